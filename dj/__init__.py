"""What a DJ works with in the browser: the dashboard, going live, past sets, API tokens."""
