"""The member's mail route as a picture: PC → (port) → outgoing server → internet.

Whether a hop is blocked is read from the verdict (`affected`), never from the inputs: the
quick-reference table in op25b.py is the only place that knows which setups OP25B blocks.
The result is plain data (boxes and arrows with coordinates) that `_route.html` draws as SVG
and also writes out as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from . import op25b

# A vertical route (top to bottom) so that it stays readable on a phone at its natural size.
BOX_W, BOX_H, GAP, PAD = 280, 64, 76, 8
ARROW_X = PAD + 48  # arrows run down the left, their labels to the right of them


@dataclass(frozen=True)
class Node:
    label: str
    detail: str
    y: int
    width: int = BOX_W
    height: int = BOX_H
    x: int = PAD

    @property
    def center(self) -> int:
        return self.x + BOX_W // 2

    @property
    def label_y(self) -> int:
        return self.y + 27

    @property
    def detail_y(self) -> int:
        return self.y + 49


@dataclass(frozen=True)
class Link:
    label: str
    blocked: bool
    y1: int
    y2: int
    x: int = ARROW_X

    @property
    def mid(self) -> int:
        return (self.y1 + self.y2) // 2

    @property
    def label_x(self) -> int:
        return self.x + 18

    @property
    def label_y(self) -> int:
        return self.mid - 8 if self.blocked else self.mid + 5

    @property
    def blocked_y(self) -> int:
        return self.mid + 16


@dataclass(frozen=True)
class Route:
    kind: str  # "current" or "fixed"
    title: str
    nodes: tuple[Node, ...]
    links: tuple[Link, ...]
    blocked: bool

    @property
    def steps(self) -> list[tuple[Node, Link | None]]:
        """Each box with the arrow that leaves it (for the text equivalent)."""
        return [(node, self.links[i] if i < len(self.links) else None) for i, node in enumerate(self.nodes)]

    @property
    def width(self) -> int:
        return BOX_W + 2 * PAD

    @property
    def height(self) -> int:
        return len(self.nodes) * BOX_H + (len(self.nodes) - 1) * GAP + 2 * PAD


def _build(
    kind: str, title: str, hops: list[tuple[str, str]], link_labels: list[str], blocked_index: int | None
) -> Route:
    nodes = tuple(Node(label, detail, PAD + i * (BOX_H + GAP)) for i, (label, detail) in enumerate(hops))
    links = tuple(
        Link(label, i == blocked_index, nodes[i].y + BOX_H, nodes[i + 1].y) for i, label in enumerate(link_labels)
    )
    return Route(kind=kind, title=title, nodes=nodes, links=links, blocked=blocked_index is not None)


def _port_label(port: int | None, security: str | None = None) -> str:
    if port is None:
        return _("port ?")
    if security == op25b.Security.SSL or (security is None and port == 465):
        return _("port %(port)s (SSL)") % {"port": port}
    if security == op25b.Security.STARTTLS or (security is None and port == 587):
        return _("port %(port)s (STARTTLS)") % {"port": port}
    return _("port %(port)s") % {"port": port}


def _server_hop(inputs: op25b.Inputs, host: str | None = None) -> tuple[str, str]:
    if inputs.sending_via == op25b.SendingVia.OKBNET:
        return _("OKBNET's outgoing server"), host or op25b.gateway_host(inputs.okbnet_address)
    return _("Your provider's outgoing server"), host or inputs.provider_host or _("host name not given")


def mail_route(inputs: op25b.Inputs, verdict: dict[str, Any]) -> list[Route]:
    """The route as set up now, then the route after the change when there is one.

    Nothing to draw (an empty list) for members who do not send from a mail program.
    """
    if inputs.sending_via == op25b.SendingVia.NONE:
        return []
    internet = (_("Internet"), _("recipients' mail servers"))
    blocked_hop = 0 if verdict["affected"] is True else None  # the hop that leaves the OKBNET line
    if inputs.sending_via == op25b.SendingVia.WEBMAIL:
        hops = [(_("Browser"), _("on the OKBNET line")), (_("Webmail"), "HTTPS"), internet]
        current = _build("current", _("Your mail route now"), hops, [_("HTTPS (443)"), ""], None)
        return [current]
    if inputs.sending_via == op25b.SendingVia.OWN_SERVER:
        source = (_("Your mail server"), _("on the OKBNET line"))
        if inputs.port in op25b.SUBMISSION_PORTS:
            hops = [source, (_("Relay server"), _("submission")), internet]
            links = [_port_label(inputs.port), ""]
        else:
            hops = [source, internet]
            links = [_port_label(inputs.port)]
        current = _build("current", _("Your mail route now"), hops, links, blocked_hop)
        fixed = None
        if verdict["plan_change_required"]:
            fixed = _build(
                "fixed",
                _("After the change"),
                [(_("Your mail server"), _("on a fixed-IP line")), internet],
                [_port_label(25)],
                None,
            )
        return [current, fixed] if fixed else [current]

    pc = (_("Your PC"), _("on the OKBNET line"))
    current = _build(
        "current",
        _("Your mail route now"),
        [pc, _server_hop(inputs), internet],
        [_port_label(inputs.port), ""],
        blocked_hop,
    )
    fixed = None
    settings = verdict.get("settings")
    if settings:
        if settings["host"] and settings["host"] == op25b.gateway_host(inputs.okbnet_address):
            server = (_("OKBNET's outgoing server"), settings["host"])
        else:
            server = _server_hop(inputs, settings["host"])
        fixed = _build(
            "fixed",
            _("After the change"),
            [pc, server, internet],
            [_port_label(settings["port"], settings["security"]), ""],
            None,
        )
    return [current, fixed] if fixed else [current]
