"""Strict YAML for the files anyone may change in a pull request: the model, the stack files, `Pulumi.yaml`.

PyYAML accepts what no reviewer would: a second `groups:` silently replaces the first (the Testers' deny is
gone and everything still passes), 1.7 KB of nested aliases stand for billions of nodes, and `[[[[...` deep
enough overflows the C stack of libyaml's composer (a crash, not an exception). So documents are composed here
from libyaml's events, which keeps most of its speed, with bounds on aliases, expanded size and depth; a
mapping refuses a key given twice, naming it and both lines; and only a regular file of bounded size is read
(never a FIFO, a device or a directory, which would hang or never end).

Errors give a line and column, never the offending line: the file may not be a model at all (`/etc/passwd`, a
`.env` holding keys), and its content must not end up in a terminal or a CI log.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    MappingStartEvent,
    ScalarEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from access.bounds import shown

MAX_ALIASES = 1000  # yaml.dump writes one per shared list or mapping; the node bound is what stops a bomb
MAX_NODES = 1_000_000  # expanded: an alias counts as everything it stands for
MAX_DEPTH = 64  # the model nests five deep; libyaml's composer crashes somewhere past ten thousand
MAX_PROBLEM = 100  # characters of PyYAML's description of a problem (it may quote a character or a tag)
MERGE_TAG = "tag:yaml.org,2002:merge"
_BASE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FILE_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
               (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class YamlSourceError(ValueError):
    """A file that cannot be used as a YAML document: where (line and column, 1-based) and why, never its text."""

    def __init__(self, problem: str, line: int | None = None, column: int | None = None) -> None:
        where = "" if line is None else f"line {line}, column {column}: " if column is not None else f"line {line}: "
        super().__init__(where + problem)
        self.line = line


def _at(problem: str, mark: Any) -> YamlSourceError:
    """An error at a PyYAML mark (0-based line and column)."""
    return YamlSourceError(problem, mark.line + 1, mark.column + 1) if mark is not None else YamlSourceError(problem)


class _Frame:
    """A collection being composed: its node, its anchor, its expanded size so far, a mapping's pending key."""

    __slots__ = ("anchor", "key", "node", "size")

    def __init__(self, node: Node, anchor: str | None) -> None:
        self.node = node
        self.anchor = anchor
        self.size = 1
        self.key: Node | None = None


class _Composition:
    """One document's nodes, composed from parser events without recursion, within the module's bounds."""

    def __init__(self) -> None:
        self.anchors: dict[str, Node] = {}
        self.sizes: dict[str, int] = {}  # the expanded size of each anchor's node, once it is complete
        self.stack: list[_Frame] = []
        self.aliases = 0
        self.total = 0

    def count(self, nodes: int, mark: Any) -> None:
        self.total += nodes
        if self.total > MAX_NODES:
            raise _at(f"more than {MAX_NODES} nodes once aliases are expanded", mark)

    def anchor(self, event: Any, node: Node) -> None:
        if event.anchor is not None:
            if event.anchor in self.anchors:
                raise _at("an anchor defined twice", event.start_mark)
            self.anchors[event.anchor] = node

    def open(self, event: Any, node: Node) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise _at(f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
        self.anchor(event, node)
        self.count(1, event.start_mark)
        self.stack.append(_Frame(node, event.anchor))

    def alias(self, event: Any) -> tuple[Node, int]:
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            raise _at(f"more than {MAX_ALIASES} aliases (refused: alias expansion is unbounded)", event.start_mark)
        if event.anchor not in self.anchors:
            raise _at("an alias to an anchor not defined before it", event.start_mark)
        if event.anchor not in self.sizes:
            raise _at("an alias inside the collection it names (a recursive structure)", event.start_mark)
        size = self.sizes[event.anchor]
        self.count(size, event.start_mark)
        return self.anchors[event.anchor], size

    def scalar(self, event: Any, node: Node) -> tuple[Node, int]:
        self.anchor(event, node)
        self.count(1, event.start_mark)
        if event.anchor is not None:
            self.sizes[event.anchor] = 1
        return node, 1

    def close(self, event: Any) -> tuple[Node, int]:
        frame = self.stack.pop()
        frame.node.end_mark = event.end_mark
        if frame.anchor is not None:
            self.sizes[frame.anchor] = frame.size
        return frame.node, frame.size

    def add(self, node: Node, size: int) -> bool:
        """Put a complete node into the open collection; False when it is the document's root."""
        if not self.stack:
            return False
        parent = self.stack[-1]
        parent.size += size
        if isinstance(parent.node, SequenceNode):
            parent.node.value.append(node)
        elif parent.key is None:
            parent.key = node
        else:
            parent.node.value.append((parent.key, node))
            parent.key = None
        return True


class StrictLoader(_BASE_LOADER):  # type: ignore[misc, valid-type]
    """libyaml's safe loader (PyYAML's own where libyaml is missing) with a bounded composer and unique keys."""

    def get_single_node(self) -> Node | None:
        self.get_event()  # stream start
        document = None
        if not self.check_event(StreamEndEvent):
            self.get_event()  # document start
            document = self._compose()
            self.get_event()  # document end
        if not self.check_event(StreamEndEvent):
            raise _at("a second document: the file must hold one", self.get_event().start_mark)
        self.get_event()
        return document

    def _tag(self, event: Any, kind: type[Node], value: str | None) -> str:
        """The node's tag: as written, else resolved from the value the way PyYAML's composer does."""
        if event.tag is None or event.tag == "!":
            return self.resolve(kind, value, event.implicit)
        return event.tag

    def _compose(self) -> Node:
        """The document's root node: PyYAML's composer, as a loop over the parser's events."""
        composition = _Composition()
        while True:
            event = self.get_event()
            if isinstance(event, CollectionStartEvent):
                kind = MappingNode if isinstance(event, MappingStartEvent) else SequenceNode
                composition.open(event, kind(self._tag(event, kind, None), [], event.start_mark, None,
                                             flow_style=event.flow_style))
                continue
            if isinstance(event, AliasEvent):
                node, size = composition.alias(event)
            elif isinstance(event, ScalarEvent):
                node, size = composition.scalar(event, ScalarNode(self._tag(event, ScalarNode, event.value),
                                                                  event.value, event.start_mark, event.end_mark,
                                                                  style=event.style))
            else:  # the end of the innermost open collection
                node, size = composition.close(event)
            if not composition.add(node, size):
                return node

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[Any, Any]:
        """PyYAML's mapping, refused when a key is given twice (PyYAML would keep the last, silently)."""
        if isinstance(node, MappingNode):
            first_seen: dict[Any, Node] = {}
            for key_node, _ in node.value:
                if key_node.tag == MERGE_TAG:  # `<<: *defaults`: overriding merged keys is what merging is for
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = first_seen.setdefault(key, key_node)
                except TypeError:  # an unhashable key: PyYAML refuses it below, at its position
                    continue
                if first is not key_node:
                    raise _at(f"the key {shown(key)} is given twice (first at line {first.start_mark.line + 1}): "
                              "YAML would silently keep only the last", key_node.start_mark)
        return super().construct_mapping(node, deep)

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        """A scalar that cannot become a value (a date like 2024-13-45, an int past Python's digit limit) is
        an error at its position, not a traceback."""
        try:
            return super().construct_object(node, deep)
        except YamlSourceError:
            raise
        except (ValueError, OverflowError) as error:
            raise _at(f"not a valid value ({str(error).split(':')[0][:MAX_PROBLEM]})", node.start_mark) from None


def load_yaml(text: str) -> Any:
    """The one document in `text`, strictly (see the module's docstring), or `YamlSourceError`."""
    loader = StrictLoader(text)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        raise _at(str(error.problem or "not valid YAML")[:MAX_PROBLEM], error.problem_mark) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise YamlSourceError(f"a character YAML does not allow (#x{error.character:04x})", line) from None
    except yaml.YAMLError as error:
        raise YamlSourceError(f"not valid YAML ({type(error).__name__})") from None
    finally:
        loader.dispose()


def read_regular_file(path: Path, max_bytes: int) -> str:
    """The UTF-8 text of the regular file at `path`, at most `max_bytes` long; anything else is refused before
    a byte is read (opened non-blocking, so a FIFO cannot hang the caller)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise YamlSourceError(f"cannot be read ({error.strerror})") from None
    except ValueError:  # a NUL in the path
        raise YamlSourceError("is not a usable path") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for is_kind, name in _FILE_KINDS if is_kind(info.st_mode)), "something else")
            raise YamlSourceError(f"is {kind}, not a regular file")
        if info.st_size > max_bytes:
            raise YamlSourceError(f"is larger than {max_bytes} bytes")
        with open(descriptor, "rb", closefd=False) as file:
            data = file.read(max_bytes + 1)  # the file may have grown since fstat
    finally:
        os.close(descriptor)
    if len(data) > max_bytes:
        raise YamlSourceError(f"is larger than {max_bytes} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise YamlSourceError("is not UTF-8 text", data.count(b"\n", 0, error.start) + 1) from None


def load_yaml_file(path: Path, max_bytes: int) -> Any:
    """The one YAML document of the regular file at `path` (at most `max_bytes`), or `YamlSourceError`."""
    return load_yaml(read_regular_file(path, max_bytes))
