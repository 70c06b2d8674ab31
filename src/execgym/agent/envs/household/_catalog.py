"""What a household holds: room layouts, object kinds and what may go where.

The kinds, names and relations follow ALFWorld's (its ``gen/constants.py``: which receptacle
holds which object, which receptacles open, which objects can be cleaned in a sink basin,
heated in a microwave, cooled in a fridge or switched on), narrowed to the objects its six
task types use. Names are written as ALFWorld's text games write them: one lower-case word
and a number (``sinkbasin 1``, ``desklamp 1``).
"""

from __future__ import annotations

from dataclasses import dataclass

OPENABLE = frozenset({"cabinet", "drawer", "fridge", "microwave", "safe"})
"""Receptacles that start closed and must be opened before anything is taken or put."""

SINK, MICROWAVE, FRIDGE, LAMP = "sinkbasin", "microwave", "fridge", "desklamp"
LAMP_STANDS = ("desk", "dresser", "sidetable")
"""Where a desk lamp stands."""


@dataclass(frozen=True)
class ObjectKind:
    """An object kind and what can be done with it."""

    name: str
    cleanable: bool = False
    heatable: bool = False
    coolable: bool = False


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _kinds(names: str, **flags: bool) -> dict[str, ObjectKind]:
    return {name: ObjectKind(name, **flags) for name in names.split()}


OBJECTS: dict[str, ObjectKind] = {
    **_kinds("apple cup egg mug plate potato tomato", cleanable=True, heatable=True, coolable=True),
    **_kinds("bowl lettuce pan pot", cleanable=True, coolable=True),
    **_kinds("bread", heatable=True, coolable=True),
    **_kinds("winebottle", coolable=True),
    **_kinds(
        "butterknife cloth dishsponge fork kettle knife ladle soapbar spatula spoon",
        cleanable=True,
    ),
    **_kinds(
        "alarmclock baseballbat basketball book box candle cd cellphone creditcard handtowel "
        "keychain laptop newspaper pen pencil peppershaker pillow plunger remotecontrol "
        "saltshaker soapbottle spraybottle statue tennisracket tissuebox toiletpaper towel vase "
        "watch"
    ),
}
"""Every object kind that can be picked up."""

_SURFACE = frozenset(OBJECTS) - {"handtowel", "pillow", "plunger", "towel"}

CONTAINS: dict[str, frozenset[str]] = {
    kind: frozenset(names.split()) if isinstance(names, str) else frozenset(names)
    for kind, names in {
        "armchair": "basketball book box cellphone cloth creditcard keychain laptop newspaper "
        "pillow remotecontrol",
        "bathtubbasin": "cloth dishsponge handtowel soapbar",
        "bed": "baseballbat basketball book cellphone laptop newspaper pillow tennisracket",
        "cabinet": "book bowl box candle cd cloth cup dishsponge handtowel kettle ladle mug "
        "newspaper pan peppershaker plate plunger pot saltshaker soapbar soapbottle "
        "spraybottle tissuebox toiletpaper vase winebottle",
        "coffeemachine": "mug",
        "coffeetable": _SURFACE,
        "countertop": _SURFACE,
        "desk": _SURFACE,
        "diningtable": _SURFACE,
        "drawer": "book butterknife candle cd cellphone cloth creditcard dishsponge fork "
        "handtowel keychain knife ladle newspaper pen pencil peppershaker remotecontrol "
        "saltshaker soapbar soapbottle spatula spoon spraybottle tissuebox toiletpaper watch",
        "dresser": _SURFACE,
        "fridge": "apple bowl bread cup egg lettuce mug pan plate pot potato tomato winebottle",
        "garbagecan": "apple bread cd cloth dishsponge egg handtowel lettuce newspaper pen pencil "
        "potato soapbar soapbottle spraybottle tissuebox toiletpaper tomato winebottle",
        "handtowelholder": "handtowel",
        "laundryhamper": "cloth",
        "microwave": "apple bowl bread cup egg mug plate potato tomato",
        "ottoman": "basketball book box cellphone cloth creditcard keychain laptop newspaper "
        "pillow remotecontrol",
        "safe": "cd cellphone creditcard keychain statue vase watch",
        "shelf": "alarmclock book bowl box candle cd cellphone cloth creditcard cup dishsponge "
        "handtowel kettle keychain mug newspaper pen pencil peppershaker plate pot "
        "remotecontrol saltshaker soapbar soapbottle spraybottle statue tissuebox toiletpaper "
        "vase watch winebottle",
        "sidetable": _SURFACE,
        "sinkbasin": "apple bowl butterknife cloth cup dishsponge egg fork handtowel kettle knife "
        "ladle lettuce mug pan plate pot potato soapbar spatula spoon tomato",
        "sofa": "basketball book box cellphone cloth creditcard keychain laptop newspaper pillow "
        "remotecontrol",
        "stoveburner": "kettle pan pot",
        "toaster": "",
        "toilet": "candle cloth dishsponge handtowel newspaper soapbar soapbottle spraybottle "
        "tissuebox toiletpaper",
        "toiletpaperhanger": "toiletpaper",
        "towelholder": "towel",
        "tvstand": "tissuebox",
    }.items()
}
"""Which object kinds each receptacle kind can hold."""


@dataclass(frozen=True)
class Room:
    """A room kind: how many receptacles of each kind it has, and the objects found in it."""

    name: str
    receptacles: dict[str, tuple[int, int]]
    objects: tuple[str, ...]


ROOMS: dict[str, Room] = {
    room.name: room
    for room in (
        Room(
            "kitchen",
            {
                "cabinet": (3, 10),
                "coffeemachine": (1, 1),
                "countertop": (1, 3),
                "diningtable": (1, 2),
                "drawer": (1, 6),
                "fridge": (1, 1),
                "garbagecan": (1, 1),
                "microwave": (1, 1),
                "shelf": (0, 3),
                "sinkbasin": (1, 1),
                "stoveburner": (4, 4),
                "toaster": (1, 1),
            },
            _words(
                "apple bowl bread butterknife cup dishsponge egg fork kettle knife ladle lettuce "
                "mug pan peppershaker plate pot potato saltshaker soapbottle spatula spoon "
                "tomato winebottle"
            ),
        ),
        Room(
            "livingroom",
            {
                "armchair": (1, 2),
                "cabinet": (0, 4),
                "coffeetable": (1, 2),
                "drawer": (1, 4),
                "garbagecan": (1, 1),
                "ottoman": (0, 1),
                "safe": (0, 1),
                "shelf": (1, 4),
                "sidetable": (1, 3),
                "sofa": (1, 1),
                "tvstand": (0, 1),
            },
            _words(
                "book box candle cellphone creditcard keychain laptop newspaper pillow "
                "remotecontrol statue tissuebox vase watch"
            ),
        ),
        Room(
            "bedroom",
            {
                "bed": (1, 1),
                "desk": (1, 2),
                "drawer": (2, 6),
                "dresser": (0, 1),
                "garbagecan": (1, 1),
                "laundryhamper": (0, 1),
                "safe": (0, 1),
                "shelf": (1, 6),
                "sidetable": (1, 2),
            },
            _words(
                "alarmclock baseballbat basketball book bowl cd cellphone cloth creditcard "
                "keychain laptop mug pen pencil pillow tennisracket"
            ),
        ),
        Room(
            "bathroom",
            {
                "bathtubbasin": (0, 1),
                "cabinet": (1, 4),
                "countertop": (1, 1),
                "drawer": (0, 4),
                "garbagecan": (1, 1),
                "handtowelholder": (0, 1),
                "shelf": (0, 3),
                "sinkbasin": (1, 2),
                "toilet": (1, 1),
                "toiletpaperhanger": (1, 1),
                "towelholder": (1, 1),
            },
            _words(
                "candle cloth dishsponge handtowel plunger soapbar soapbottle spraybottle "
                "tissuebox toiletpaper towel"
            ),
        ),
    )
}
