"""Load the scope definitions (``dialogue/data/scope.yaml``): Warner's levels and topics."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from stratstab.dialogue.scope import Catalogue, Topic, WarnerLevel
from stratstab.errors import InputError, from_validation_error

SOURCE = "stratstab/dialogue/data/scope.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Level(_Strict):
    id: str
    rank: int
    name_en: str
    name_zh: str
    definition_en: str
    definition_zh: str


class _Topic(_Strict):
    id: str
    name_en: str
    name_zh: str
    min_level: str
    definition_en: str
    definition_zh: str


class _ScopeFile(_Strict):
    version: int
    levels: list[_Level]
    topics: list[_Topic]

    @model_validator(mode="after")
    def _consistent(self) -> _ScopeFile:
        level_ids = [level.id for level in self.levels]
        topic_ids = [topic.id for topic in self.topics]
        if len(set(level_ids)) != len(level_ids) or len(set(topic_ids)) != len(topic_ids):
            raise ValueError("level and topic ids must be unique")
        for topic in self.topics:
            if topic.min_level not in level_ids:
                raise ValueError(f"topic {topic.id!r}: unknown min_level {topic.min_level!r}")
        return self


def parse_catalogue(text: str, *, source: str = SOURCE) -> Catalogue:
    """Parse and validate scope definitions given as YAML text."""
    try:
        data = yaml.safe_load(text)
        parsed = _ScopeFile.model_validate(data)
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML ({exc})", source=source) from exc
    except ValidationError as exc:
        raise from_validation_error(exc, source=source) from exc
    levels = sorted(parsed.levels, key=lambda level: level.rank)
    return Catalogue(
        levels=tuple(WarnerLevel(**level.model_dump()) for level in levels),
        topics=tuple(Topic(**topic.model_dump()) for topic in parsed.topics),
    )


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """The catalogue shipped with stratstab (read once per process)."""
    text = resources.files("stratstab.dialogue").joinpath("data/scope.yaml").read_text("utf-8")
    return parse_catalogue(text)
