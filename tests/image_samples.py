"""Sample images with rights metadata, written by libraries (never hand-made bytes): XMP
through Pillow's `xmp=` from an ElementTree-built packet, IPTC IIM through iptcinfo3,
EXIF GPS and a camera serial through Pillow, Content Credentials through c2pa.Builder
signed with a throwaway CA and key made with `cryptography`."""

import datetime
import io
import tempfile
from pathlib import Path
from xml.etree import ElementTree as ET

import c2pa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from iptcinfo3 import IPTCInfo
from PIL import Image

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "plus": "http://ns.useplus.org/ldf/xmp/1.0/",
    "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
    "xml": "http://www.w3.org/XML/1998/namespace",
}
for _prefix, _uri in NS.items():
    if _prefix != "xml":
        ET.register_namespace(_prefix, _uri)
AI = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
CAMERA = "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"
RIGHTS = {
    "creator": "Jo Bloggs",
    "credit_line": "Jo Bloggs / Harbour Agency",
    "copyright_notice": "© 2026 Harbour Agency",
    "web_statement": "https://agency.example/licence/editorial",
    "licensor_url": "https://agency.example/buy/4711",
    "digital_source_type": CAMERA,
}
GPS = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}
SERIAL = "SN-CAMERA-0042"


def _q(name):
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def xmp_packet(**fields):
    """An XMP packet stating the given rights fields (our names, as in RIGHTS), plus
    `ends` (a plus:ImageExpirationDate string) if given."""
    meta = ET.Element(_q("x:xmpmeta"))
    rdf = ET.SubElement(meta, _q("rdf:RDF"))
    desc = ET.SubElement(rdf, _q("rdf:Description"), {_q("rdf:about"): ""})
    simple = {
        "credit_line": "photoshop:Credit",
        "web_statement": "xmpRights:WebStatement",
        "digital_source_type": "Iptc4xmpExt:DigitalSourceType",
        "ends": "plus:ImageExpirationDate",
    }
    for field, prop in simple.items():
        if field in fields:
            desc.set(_q(prop), fields[field])
    if "creator" in fields:
        seq = ET.SubElement(ET.SubElement(desc, _q("dc:creator")), _q("rdf:Seq"))
        ET.SubElement(seq, _q("rdf:li")).text = fields["creator"]
    if "copyright_notice" in fields:
        alt = ET.SubElement(ET.SubElement(desc, _q("dc:rights")), _q("rdf:Alt"))
        li = ET.SubElement(alt, _q("rdf:li"), {_q("xml:lang"): "x-default"})
        li.text = fields["copyright_notice"]
    if "licensor_url" in fields:
        seq = ET.SubElement(ET.SubElement(desc, _q("plus:Licensor")), _q("rdf:Seq"))
        li = ET.SubElement(seq, _q("rdf:li"), {_q("rdf:parseType"): "Resource"})
        ET.SubElement(li, _q("plus:LicensorURL")).text = fields["licensor_url"]
    return ET.tostring(meta, encoding="utf-8")


def camera_exif():
    """EXIF as a camera writes it: GPS position, make and body serial number."""
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"
    exif[0x8825] = GPS
    exif.get_ifd(0x8769)[0xA431] = SERIAL  # BodySerialNumber
    return exif


def rights_jpeg(size=(1000, 750), exif=True, **fields):
    """A JPEG stating `fields` in XMP, with GPS and a serial in its EXIF."""
    buffer = io.BytesIO()
    options = {"xmp": xmp_packet(**fields)} if fields else {}
    if exif:
        options["exif"] = camera_exif()
    Image.new("RGB", size, "teal").save(buffer, "JPEG", quality=90, **options)
    return buffer.getvalue()


def iptc_jpeg(size=(800, 600), **iim):
    """A JPEG whose rights are stated only in IPTC IIM, written by iptcinfo3."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "iptc.jpg"
        Image.new("RGB", size, "olive").save(path, "JPEG")
        info = IPTCInfo(str(path), force=True)
        for name, value in iim.items():
            info[name] = value
        info.save()
        return path.read_bytes()


def _name(common):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Standfirst tests"),
        ]
    )


def _cert(subject, key, issuer_key, *, ca):
    now = datetime.datetime.now(datetime.UTC)
    usage = dict.fromkeys(
        [
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ],
        False,
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(_name("Standfirst test CA"))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        usage.update(key_cert_sign=True, crl_sign=True)
    else:
        usage.update(digital_signature=True)
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        ).add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    builder = builder.add_extension(x509.KeyUsage(**usage), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def signed_jpeg(image_bytes):
    """The image with a C2PA manifest signed by a leaf of a throwaway test CA."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert(_name("Standfirst test CA"), ca_key, ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = _cert(_name("Standfirst test signer"), key, ca_key, ca=False)
    chain = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (leaf, ca))
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    signer = c2pa.Signer.from_info(
        c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain, private, None)
    )
    manifest = {
        "claim_generator_info": [{"name": "standfirst-tests", "version": "1"}],
        "title": "signed.jpg",
        "format": "image/jpeg",
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {"actions": [{"action": "c2pa.created", "digitalSourceType": CAMERA}]},
            }
        ],
    }
    out = io.BytesIO()
    with c2pa.Builder(manifest) as builder, signer:
        builder.sign(signer, "image/jpeg", io.BytesIO(image_bytes), out)
    return out.getvalue()


def tampered(signed):
    """The signed image with its pixels changed after signing, through Pillow: the same
    manifest (its APP11 segments copied) over different scan data."""
    with Image.open(io.BytesIO(signed)) as image:
        pixels = image.copy()
    pixels.paste((255, 0, 0), (0, 0, 20, 20))
    redrawn = io.BytesIO()
    pixels.save(redrawn, "JPEG", quality=90)
    return _with_segments(redrawn.getvalue(), _app11_segments(signed))


def _app11_segments(jpeg):
    """The JUMBF (APP11) segments of a JPEG, found by walking its marker segments."""
    segments, at = [], 2
    while at < len(jpeg) and jpeg[at] == 0xFF and jpeg[at + 1] != 0xDA:
        length = int.from_bytes(jpeg[at + 2 : at + 4], "big")
        if jpeg[at + 1] == 0xEB:
            segments.append(jpeg[at : at + 2 + length])
        at += 2 + length
    return segments


def _with_segments(jpeg, segments):
    return jpeg[:2] + b"".join(segments) + jpeg[2:]
