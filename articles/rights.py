"""What an image file states about its rights, read before images.prepare() strips it.

Only the fields a file states are returned (XMP first, IPTC IIM where XMP is silent); a
field the file does not state is left out, never guessed. GPS, camera serials and every
other field are not read at all. A C2PA manifest is checked with the c2pa SDK: "verified"
when its signature and hashes validate (the signer is not checked against a trust list),
"invalid" when it is present but fails, "absent" when there is none.
Nothing here reads or writes the database.
"""

import datetime
import io

import c2pa
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from PIL import IptcImagePlugin

# Our field: the XMP property (local name, as Pillow's getxmp() gives it).
XMP_FIELDS = {
    "creator": "creator",
    "credit_line": "Credit",
    "copyright_notice": "rights",
    "web_statement": "WebStatement",
    "digital_source_type": "DigitalSourceType",
}
# IPTC IIM (record 2) datasets: By-line, Credit, Copyright Notice.
IIM_FIELDS = {"creator": (2, 80), "credit_line": (2, 110), "copyright_notice": (2, 116)}
# PLUS properties that state when the licence ends, in the order they are trusted.
END_PROPERTIES = ("LicenseEndDate", "ImageExpirationDate")
MAX_LENGTHS = {"creator": 200, "credit_line": 200, "copyright_notice": 500}
URL_LENGTHS = {"web_statement": 500, "licensor_url": 500, "digital_source_type": 200}
C2PA_MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}


def read(image, data):
    """{field: value} for the rights an opened Pillow image (and its bytes) state."""
    found = {}
    description = _descriptions(image)
    for field, name in XMP_FIELDS.items():
        if value := _text(description.get(name)):
            found[field] = value
    if url := _text(_dig(description.get("Licensor"), "LicensorURL")):
        found["licensor_url"] = url
    for name in END_PROPERTIES:
        if ends := _moment(_text(description.get(name))):
            found["license_ends_at"] = ends
            break
    iim = _iim(image)
    for field, dataset in IIM_FIELDS.items():
        if field not in found and (value := _decode(iim.get(dataset))):
            found[field] = value
    for field, limit in URL_LENGTHS.items():
        if field in found and not _is_link(found[field], limit):
            del found[field]  # a link that is not a web address is not kept as one
    for field, limit in MAX_LENGTHS.items():
        if field in found:
            found[field] = found[field][:limit]
    found["c2pa"] = provenance(image.format, data)
    return found


def provenance(image_format, data):
    """ "verified", "invalid" or "absent": what the file's C2PA manifest, if any, proves."""
    try:
        reader = c2pa.Reader(C2PA_MIME[image_format], io.BytesIO(data))
    except c2pa.C2paError.ManifestNotFound:
        return "absent"
    except c2pa.C2paError:
        return "invalid"  # a manifest is there but cannot be read
    with reader:
        state = reader.get_validation_state()
    # "Valid": intact and soundly signed; "Trusted": also by a signer on a trust list,
    # which Standfirst does not configure, so both count as verified.
    return "verified" if state in {"Valid", "Trusted"} else "invalid"


def _is_link(value, limit):
    """A web address that fits its field (a cut-off address would point elsewhere)."""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return len(value) <= limit


def _descriptions(image):
    """The rdf:Description properties, merged (a file may split them over several)."""
    try:
        xmp = image.getxmp()
    except Exception:  # an unreadable XMP packet states nothing
        return {}
    descriptions = xmp.get("xmpmeta", {}).get("RDF", {}).get("Description", {})
    merged = {}
    for description in descriptions if isinstance(descriptions, list) else [descriptions]:
        if isinstance(description, dict):
            merged.update(description)
    return merged


def _dig(value, name):
    """A property inside a structure (e.g. plus:Licensor/rdf:Seq/rdf:li/plus:LicensorURL)."""
    while isinstance(value, (dict, list)):
        if isinstance(value, list):
            value = value[0] if value else None
        elif name in value:
            return value[name]
        else:
            value = next((value[k] for k in ("Seq", "Bag", "Alt", "li") if k in value), None)
    return None


def _text(value):
    """The first text of a simple value, an rdf:Seq/Bag/Alt, or a language alternative."""
    while isinstance(value, (dict, list)):
        if isinstance(value, list):
            value = value[0] if value else None
        elif "text" in value:
            value = value["text"]
        else:
            value = next((value[k] for k in ("Seq", "Bag", "Alt", "li") if k in value), None)
    return value.strip() if isinstance(value, str) else ""


def _iim(image):
    try:
        return IptcImagePlugin.getiptcinfo(image) or {}
    except Exception:  # a broken IIM block states nothing
        return {}


def _decode(value):
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, bytes):
        return ""
    try:
        return value.decode("utf-8").strip()
    except UnicodeDecodeError:
        return value.decode("latin-1").strip()


def _moment(value):
    """An XMP date (a day, or a date and time) as an aware datetime; a bare day ends at its
    start in the site's time zone, so the image is withdrawn no later than the file says."""
    if not value:
        return None
    try:
        moment = parse_datetime(value)
        if moment is None and (day := parse_date(value[:10])):
            moment = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
