"""The one YAML loader of the project, with JSON-Schema validation.

Every data file (framework, regions) is read through ``load_yaml`` and checked
with ``validate``. Errors name the file, the path inside it and what was
expected, in words a region's staff member can act on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from bot.contact import is_email


class ConfigError(Exception):
    """A data file is broken. ``problems`` lists (file, path, message) triples."""

    def __init__(self, problems: Iterable[tuple[str, str, str]]):
        self.problems = list(problems)
        super().__init__("\n".join(f"{f}: {p}: {m}" for f, p, m in self.problems))


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (a common paste mistake)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"key '{key}' appears twice (first on line {seen[key] + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: str | Path) -> Any:
    """Read one YAML file; raise ConfigError with line and column on a syntax error."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([(str(path), "-", "file not found")]) from None
    except UnicodeDecodeError:
        raise ConfigError([(str(path), "-", "file is not UTF-8 text")]) from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "-"
        problem = exc.problem or str(exc)
        hint = ""
        if "mapping values are not allowed" in problem or "expected <block end>" in problem:
            hint = (
                " (check the indentation: items at the same level need the same number of spaces)"
            )
        raise ConfigError([(str(path), where, f"YAML syntax error: {problem}{hint}")]) from None


def format_path(parts: Iterable[Any]) -> str:
    """Render a JSON path like ``coaches[0].email``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def unknown_keys(error: jsonschema.ValidationError) -> tuple[list[Any], list[str]]:
    """(unknown keys, allowed keys) of an ``additionalProperties`` error, both sorted."""
    # jsonschema stubs: schema may be bool or Unset; an additionalProperties error has a dict.
    allowed = sorted(error.schema.get("properties", {}))  # type: ignore[union-attr, unused-ignore]
    extra = sorted(set(error.instance) - set(allowed)) if isinstance(error.instance, dict) else []
    return extra, allowed


def missing_property(error: jsonschema.ValidationError) -> Any:
    """The property a ``required`` error is about.

    jsonschema gives one error per missing property but names it only in the
    message, so the missing ones are taken from ``validator_value`` and ``instance``
    and, when several are missing, the one this message starts with is chosen.
    """
    instance = error.instance if isinstance(error.instance, dict) else {}
    # jsonschema stubs: validator_value may be Unset; a required error has the list.
    missing = [p for p in error.validator_value if p not in instance]  # type: ignore[union-attr, unused-ignore]
    return next(
        (p for p in missing if error.message.startswith(f"{p!r} ")), missing[0] if missing else None
    )


def describe_error(error: jsonschema.ValidationError) -> str:
    """One schema error in English, for the people who edit the framework."""
    if error.validator == "additionalProperties":
        extra, allowed = unknown_keys(error)
        return f"unknown key(s) {', '.join(map(repr, extra))}; allowed here: {', '.join(allowed)}"
    if error.validator == "required":
        return f"{missing_property(error)!r} is missing (required)"
    if error.validator == "type":
        return f"expected {error.validator_value}, got {type(error.instance).__name__} {error.instance!r}"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {error.validator_value}"
    if error.validator == "format":
        return f"{error.instance!r} is not a valid {error.validator_value}"
    if error.validator == "pattern":
        return f"{error.instance!r} does not have the expected form ({error.validator_value})"
    return error.message


_FORMAT_CHECKER = jsonschema.FormatChecker()


@_FORMAT_CHECKER.checks("email")
def _is_email(value: object) -> bool:
    return not isinstance(value, str) or is_email(value)


@_FORMAT_CHECKER.checks("uri")
def _is_url(value: object) -> bool:
    from urllib.parse import urlparse

    if not isinstance(value, str):
        return True
    parsed = urlparse(value)
    return parsed.scheme in {"http", "https"} and bool(parsed.netloc) and " " not in value


def schema_errors(data: Any, schema: dict) -> list[jsonschema.ValidationError]:
    """All schema violations of ``data`` as jsonschema errors, in document order."""
    validator = jsonschema.Draft7Validator(schema, format_checker=_FORMAT_CHECKER)
    return sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])


def schema_problems(
    data: Any,
    schema: dict,
    file: str | Path,
    describe: Callable[[jsonschema.ValidationError], str] | None = None,
) -> list[tuple[str, str, str]]:
    """All schema violations of ``data`` as (file, path, message), in document order.

    ``describe`` words one error (default :func:`describe_error`, English); region
    files pass a Dutch one.
    """
    describe = describe or describe_error
    return [
        (str(file), format_path(e.absolute_path), describe(e)) for e in schema_errors(data, schema)
    ]


def validate(data: Any, schema: dict, file: str | Path) -> None:
    """Raise ConfigError when ``data`` does not match ``schema``."""
    problems = schema_problems(data, schema, file)
    if problems:
        raise ConfigError(problems)


def load_validated(path: str | Path, schema: dict) -> Any:
    """Load a YAML file and validate it in one step."""
    data = load_yaml(path)
    validate(data, schema, path)
    return data
