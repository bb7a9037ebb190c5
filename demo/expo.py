"""The demo expo: categories, 41 published booths, their products, contacts, links and logos.

Content comes from ``demo/data/expo.toml``. Every booth gets 1–3 products, one or two contact
persons, social links, a video on premium booths and a logo generated with Pillow (the initials on
a colour derived from the slug), stored as ``expo/logos/demo-<slug>.png`` in MEDIA_ROOT; an
existing file of that name is kept. A full run deletes the demo event's categories and exhibitors
it does not define.

Booth rows are synced in bulk (``demo.sync``): ``expo.services.update_booth`` and
``save_booth_item`` check one editor's rights per call and know no natural keys to update by. The
``aussteller`` account becomes booth admin through ``expo.services.add_staff``.
"""

import colorsys
import io
import random

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

from expo.models import Category, ContactPerson, Exhibitor, ExhibitorStaff, ExpoSettings, Product
from expo.services import add_staff

from .content import digest, german_slug, load
from .sync import sync_links, sync_rows

LOGO_SIZE = 256
LOGO_DIR = "expo/logos/"


def exhibitors():
    """The planned exhibitors: dicts of name, tier, categories (slugs), tagline, description."""
    return load("expo")["exhibitors"]


def _brand(name):
    return name.split()[0]


def _initials(name):
    legal_forms = set(load("expo")["legal_forms"])
    words = [word for word in name.split() if word not in legal_forms]
    return "".join(word[0] for word in words[:2]).upper()


def booth_products(name, tier, category_slugs):
    """(name, description, link) of the 1–3 products of an exhibitor; premium booths show 3."""
    ideas = load("expo")["products"]
    slug = german_slug(name)
    count = 3 if tier == "premium" else 1 + digest("products", slug) % 3
    products = []
    for index in range(count):
        idea = ideas[category_slugs[index % len(category_slugs)]][index // len(category_slugs)]
        product_name = f"{_brand(name)} {idea['name']}"
        link = f"https://{slug}.example.com/produkte/{german_slug(product_name)}"
        products.append((product_name, idea["description"], link))
    return products


def booth_contacts(name, tier):
    """(name, position, email) of the one or two contact persons of an exhibitor."""
    names = load("names")
    slug = german_slug(name)
    rng = random.Random(digest("contacts", slug))
    count = 2 if tier == "premium" else 1 + digest("contact-count", slug) % 2
    positions = rng.sample(load("expo")["contact_positions"], count)
    contacts = []
    for position in positions:
        first, last = rng.choice(names["first_names"]), rng.choice(names["last_names"])
        email = f"{german_slug(first)}.{german_slug(last)}@{slug}.example.com"
        contacts.append((f"{first} {last}", position, email))
    return contacts


def logo_png(name):
    """A 256 px PNG: the booth's initials in white on a colour derived from its slug."""
    hue = digest("logo", german_slug(name)) % 360 / 360
    red, green, blue = (round(channel * 255) for channel in colorsys.hls_to_rgb(hue, 0.35, 0.6))
    image = Image.new("RGB", (LOGO_SIZE, LOGO_SIZE), (red, green, blue))
    try:
        font = ImageFont.load_default(size=96)
    except (TypeError, ImportError):  # Pillow without FreeType or older than 10.1
        font = ImageFont.load_default()
    draw = ImageDraw.Draw(image)
    draw.text((LOGO_SIZE / 2, LOGO_SIZE / 2), _initials(name), fill="white", font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def logo_name(slug):
    return f"{LOGO_DIR}demo-{slug}.png"


def seed_expo(event, out):
    """Categories, exhibitors and their booth content; returns the exhibitors by name."""
    planned = exhibitors()
    category_rows = [
        {"event_id": event.pk, "slug": category["slug"], "name": category["name"]}
        for category in load("expo")["categories"]
    ]
    slugs = [row["slug"] for row in category_rows]
    Category.objects.filter(event=event).exclude(slug__in=slugs).delete()
    categories = sync_rows(Category.objects.filter(event=event), "slug", category_rows)

    exhibitor_rows = [
        {
            "event_id": event.pk,
            "slug": german_slug(booth["name"]),
            "name": booth["name"],
            "tier": booth["tier"],
            "tagline": booth["tagline"],
            "description": booth["description"],
            "website": f"https://{german_slug(booth['name'])}.example.com",
            "status": Exhibitor.Status.PUBLISHED,
        }
        for booth in planned
    ]
    slugs = [row["slug"] for row in exhibitor_rows]
    Exhibitor.objects.filter(event=event).exclude(slug__in=slugs).delete()
    by_slug = sync_rows(Exhibitor.objects.filter(event=event), "slug", exhibitor_rows)
    sync_links(
        Exhibitor.categories.through,
        "exhibitor_id",
        "category_id",
        [exhibitor.pk for exhibitor in by_slug.values()],
        {
            (by_slug[german_slug(booth["name"])].pk, categories[slug].pk)
            for booth in planned
            for slug in booth["categories"]
        },
    )
    out.write(f"{len(categories)} Kategorien, {len(by_slug)} Aussteller")
    ExpoSettings.objects.update_or_create(event=event, defaults={"edits_need_review": True})
    seed_booth_content(by_slug, out)
    return {exhibitor.name: exhibitor for exhibitor in by_slug.values()}


def seed_booth_content(by_slug, out):
    """Products, contact persons, social links, videos and generated logos of every booth.

    Products and contacts of a booth are replaced only when they differ from the definition;
    a logo file is written only when no file of its (deterministic) name exists yet.
    """
    wanted_products, wanted_contacts, changed = {}, {}, []
    for booth in exhibitors():
        name, tier = booth["name"], booth["tier"]
        slug = german_slug(name)
        exhibitor = by_slug[slug]
        wanted_products[exhibitor.pk] = [
            (product, description, link, position)
            for position, (product, description, link) in enumerate(
                booth_products(name, tier, booth["categories"])
            )
        ]
        wanted_contacts[exhibitor.pk] = booth_contacts(name, tier)
        fields = {
            "social_links": [
                f"https://www.linkedin.com/company/{slug}",
                f"https://mastodon.example.org/@{slug}",
            ],
            "video_url": f"https://video.example.org/{slug}.mp4" if tier == "premium" else "",
        }
        logo = logo_name(slug)
        if not default_storage.exists(logo):
            logo = default_storage.save(logo, ContentFile(logo_png(name)))
        if exhibitor.logo.name != logo:
            fields["logo"] = logo
        changes = {
            field: value for field, value in fields.items() if getattr(exhibitor, field) != value
        }
        if changes:
            for field, value in changes.items():
                setattr(exhibitor, field, value)
            changed.append(exhibitor)
    if changed:
        Exhibitor.objects.bulk_update(changed, ["social_links", "video_url", "logo"])

    products = _replace_rows(Product, ("name", "description", "link", "position"), wanted_products)
    contacts = _replace_rows(ContactPerson, ("name", "position", "email"), wanted_contacts)
    out.write(f"Expo: {products} Produkte, {contacts} Ansprechpersonen, {len(by_slug)} Logos")


def _replace_rows(model, fields, wanted):
    """Make each exhibitor's ``model`` rows exactly ``wanted[exhibitor_id]``; return the count."""
    existing = {}
    for exhibitor_id, *values in model.objects.filter(exhibitor_id__in=wanted).values_list(
        "exhibitor_id", *fields
    ):
        existing.setdefault(exhibitor_id, []).append(tuple(values))
    stale = [
        exhibitor_id
        for exhibitor_id, rows in wanted.items()
        if sorted(existing.get(exhibitor_id, [])) != sorted(rows)
    ]
    model.objects.filter(exhibitor_id__in=stale).delete()
    model.objects.bulk_create(
        [
            model(exhibitor_id=exhibitor_id, **dict(zip(fields, row, strict=True)))
            for exhibitor_id in stale
            for row in wanted[exhibitor_id]
        ]
    )
    return sum(len(rows) for rows in wanted.values())


def seed_booth_admin(exhibitor, *, member, organizer):
    """Make ``member`` admin of ``exhibitor``'s booth, as ``organizer`` would in the web client."""
    membership = ExhibitorStaff.objects.filter(exhibitor=exhibitor, user=member).first()
    if membership is None:
        add_staff(exhibitor, user=organizer, member=member, role=ExhibitorStaff.Role.ADMIN)
    elif membership.role != ExhibitorStaff.Role.ADMIN:
        ExhibitorStaff.objects.filter(pk=membership.pk).update(role=ExhibitorStaff.Role.ADMIN)
