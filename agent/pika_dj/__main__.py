from pika_dj.cli import main

raise SystemExit(main())
