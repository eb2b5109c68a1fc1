"""A shop robot (the demo knowledge) with a widget key whose welcome shows the help menu, per test."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.channels.widget.helpers import Visitor, demo_robot, new_key, visitor
from tests.support.client import Api


@dataclass
class Shop:
    api: Api
    robot: str
    key: dict

    def visitor(self, **fields: object) -> Visitor:
        return visitor(self.api, self.key["key"], **fields)


@pytest.fixture
def shop(api: Api) -> Shop:
    robot = demo_robot(api)
    return Shop(api, robot, new_key(api, robot, welcomeMenu="menu-help"))
