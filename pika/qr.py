"""QR codes for the links dancers scan: SVG for print and pages, PNG for download."""

import io


def qr_svg(url):
    import qrcode
    import qrcode.image.svg

    # A path image is one <path>: small, crisp at any print size.
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return image.to_string(encoding="unicode")


def qr_png(url, box_size=16):
    import qrcode

    code = qrcode.QRCode(border=2, box_size=box_size, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()
