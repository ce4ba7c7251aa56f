"""Who publishes the help center, as search engines and shared links show it: the
organisation (author and publisher of every article), its logo and its social image."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..content.model import HelpCenter
from .images import (
    DEFAULT_LOGO,
    DEFAULT_SOCIAL_IMAGE,
    LOGO_FORMATS,
    MIN_LOGO_PIXELS,
    SOCIAL_FORMATS,
    Image,
    ImageError,
    site_image,
)


@dataclass(frozen=True)
class Problem:
    severity: str  # "error" or "warning"
    option: str  # the setting in mkdocs.yml, e.g. "logo" or "theme.logo"
    message: str


@dataclass(frozen=True)
class Brand:
    name: str
    url: str
    logo: Image
    social_image: Image
    id: str | None = None
    problems: list[Problem] = field(default_factory=list)

    def organization(self) -> dict:
        """schema.org Organization; the same ``@id`` as the home page's, so they merge."""
        org: dict = {"@type": "Organization"}
        if self.id:
            org["@id"] = self.id
        org["name"] = self.name
        org["url"] = self.url
        logo = {"@type": "ImageObject", "url": self.logo.url}
        if self.logo.width:
            logo["width"] = self.logo.width
            logo["height"] = self.logo.height
        org["logo"] = logo
        return org


def resolve(
    center: HelpCenter,
    *,
    site_name: str,
    site_url: str | None,
    roots: list[Path],
    logo: str | None,
    logo_option: str,
    social_image: str | None,
) -> Brand:
    """The brand from the settings; ``logo_option`` names where ``logo`` came from.

    The organisation is the one named in facts.yml's ``structured_data`` when there
    is one, else the site itself. Unusable images are reported in ``problems`` and
    replaced by kbgen's defaults; only ``theme.logo`` problems are mere warnings (the
    theme takes any logo as it is).
    """
    base = site_url or "/"
    structured = center.facts.structured if center.facts else {}
    name, url = site_name, base
    org_id = base.rstrip("/") + "/#organization" if base.startswith(("http://", "https://")) else None
    if structured.get("organization") and structured.get("url"):
        name, url = structured["organization"], structured["url"]
        org_id = url.rstrip("/") + "/#organization"
    problems: list[Problem] = []

    def pick(value, default, option, alt, formats):
        if value:
            try:
                return site_image(value, roots, base, alt=alt, formats=formats)
            except ImageError as exc:
                if option == "theme.logo":
                    problems.append(Problem("warning", option, f"{exc}; search engines get kbgen's default logo"))
                else:
                    problems.append(Problem("error", option, str(exc)))
        return site_image(default, roots, base, alt=alt, formats=formats)

    chosen_logo = pick(logo, DEFAULT_LOGO, logo_option, name, LOGO_FORMATS)
    if logo and chosen_logo.width and min(chosen_logo.width, chosen_logo.height) < MIN_LOGO_PIXELS:
        size, least = f"{chosen_logo.width}x{chosen_logo.height}", f"{MIN_LOGO_PIXELS}x{MIN_LOGO_PIXELS}"
        message = f"'{logo}' is {size} pixels; search engines want a logo of at least {least}"
        problems.append(Problem("warning", logo_option, message))
    social = pick(social_image, DEFAULT_SOCIAL_IMAGE, "social_image", site_name, SOCIAL_FORMATS)
    return Brand(name=name, url=url, logo=chosen_logo, social_image=social, id=org_id, problems=problems)
