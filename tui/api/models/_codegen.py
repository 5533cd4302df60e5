"""Generate the model modules of ``tui.api.models`` from Spotnana's OpenAPI description.

Run from the repository root, with the shared specs beside it::

    python -m tui.api.models._codegen ../shared/spotnana

Only names, types, enums, required flags, constraints (an integer's ``int32``/``int64`` format
counts as bounds) and the ``x-pii`` / deprecation marks are taken from the spec; descriptions
and examples are not copied. Each schema lands in the module of the one profile section that
uses it, in ``common`` when several do, else in ``users``. The output is committed; ``tests/contract/test_models_match_spec.py`` checks that it
still matches the spec.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
REF = "#/components/schemas/"

# Modules and the section roots whose closures they hold, in dependency order after common.
GROUPS = {
    "personal": ["UserPersonalInfo"],
    "business": ["BusinessInfo"],
    "travel": ["TravelPreferences"],
    "membership": ["MembershipInfo"],
    "notifications": ["NotificationPreferences"],
    "roles": ["RolesConfig", "GetRbacInfoResponse"],
}
AUTH_SCHEMAS = ["OAuthTokenRequest", "OAuthTokenResponse"]
# An integer's format bounds it like minimum/maximum do.
INT_FORMATS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
INT_BOUND_NAMES = {-(2**31): "INT32_MIN", 2**31 - 1: "INT32_MAX", -(2**63): "INT64_MIN", 2**63 - 1: "INT64_MAX"}
RESERVED = {"schema", "json", "copy", "dict", "validate", "construct", "fields", "to_json", "parse_obj"}


def snake(name: str) -> str:
    s = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s).lower()
    s = re.sub(r"\W", "_", s)
    if keyword.iskeyword(s) or s in RESERVED or s.startswith("model_") or s[0].isdigit():
        s += "_"
    return s


def ref_name(node: dict) -> str:
    return node["$ref"][len(REF) :]


def refs_in(node: Any, out: set[str]) -> set[str]:
    if isinstance(node, dict):
        if "$ref" in node:
            out.add(ref_name(node))
        for v in node.values():
            refs_in(v, out)
    elif isinstance(node, list):
        for v in node:
            refs_in(v, out)
    return out


class Gen:
    def __init__(self, schemas: dict):
        self.schemas = schemas
        self.extra_classes: dict[str, list[str]] = {}  # module -> lines of inline classes
        self.module_of: dict[str, str] = {}

    # ---- grouping ---------------------------------------------------------------------
    def closure(self, root: str) -> set[str]:
        seen, todo = set(), [root]
        while todo:
            n = todo.pop()
            if n in seen:
                continue
            seen.add(n)
            todo.extend(refs_in(self.schemas[n], set()))
        return seen

    def assign_modules(self) -> None:
        owners: dict[str, set[str]] = {}
        for group, roots in GROUPS.items():
            for root in roots:
                for n in self.closure(root):
                    owners.setdefault(n, set()).add(group)
        for n in self.schemas:
            groups = owners.get(n, set())
            if n in AUTH_SCHEMAS:
                self.module_of[n] = "auth"
            elif len(groups) == 1:
                self.module_of[n] = next(iter(groups))
            elif len(groups) > 1:
                self.module_of[n] = "common"
            else:
                self.module_of[n] = "users"

    # ---- types --------------------------------------------------------------------------
    def is_enum(self, name: str) -> bool:
        s = self.schemas[name]
        return "enum" in s and "properties" not in s

    def scalar(self, node: dict) -> str:
        t = node.get("type")
        if "enum" in node:  # what enum_str() builds, spelled out so that a type checker can read it
            values = [json.dumps(v) for v in node["enum"]]
            return f"Annotated[StrictStr, EnumValues(({', '.join(values)}{',' if len(values) == 1 else ''}))]"
        if t == "string":
            fmt = node.get("format")
            if fmt == "email":
                return "Email"
            if fmt == "uuid":
                return "Uuid"
            if fmt == "date-time":
                return "DateTimeStr"
            cons = []
            if "pattern" in node:
                cons.append(f"pattern={node['pattern']!r}")
            if "maxLength" in node:
                cons.append(f"max_length={node['maxLength']}")
            if "minLength" in node:
                cons.append(f"min_length={node['minLength']}")
            return f"Annotated[StrictStr, Field({', '.join(cons)})]" if cons else "StrictStr"
        if t == "integer":
            fmt = node.get("format")
            lo: int | None
            hi: int | None
            lo, hi = INT_FORMATS.get(fmt, (None, None)) if isinstance(fmt, str) else (None, None)
            if "minimum" in node:
                lo = node["minimum"] if lo is None else max(lo, node["minimum"])
            if "maximum" in node:
                hi = node["maximum"] if hi is None else min(hi, node["maximum"])
            if isinstance(fmt, str) and fmt in INT_FORMATS and (lo, hi) == INT_FORMATS[fmt]:
                return fmt.capitalize()  # Int32 / Int64
            cons = [f"{k}={INT_BOUND_NAMES.get(v, v)}" for k, v in (("ge", lo), ("le", hi)) if v is not None]
            return f"Annotated[int, IntegerBounds({', '.join(cons)})]" if cons else "Integer"  # as integer() builds
        if t == "number":
            return "Number"
        if t == "boolean":
            return "StrictBool"
        return "Any"

    def type_of(self, node: dict, owner: str, prop: str, module: str) -> str:
        if "$ref" in node:
            return ref_name(node)
        t = node.get("type")
        if t == "array":
            inner = self.type_of(node.get("items", {}), owner, prop, module)
            cons = []
            if "maxItems" in node:
                cons.append(f"max_length={node['maxItems']}")
            if "minItems" in node:
                cons.append(f"min_length={node['minItems']}")
            return f"Annotated[list[{inner}], Field({', '.join(cons)})]" if cons else f"list[{inner}]"
        if t == "object" or "properties" in node:
            if "properties" in node:
                cname = owner + prop[0].upper() + prop[1:]
                if cname.endswith("s") and prop.endswith("s"):
                    cname = cname[:-1]
                self.extra_classes.setdefault(module, []).extend(self.class_lines(cname, node, module))
                return cname
            ap = node.get("additionalProperties")
            if isinstance(ap, dict):
                return f"dict[str, {self.type_of(ap, owner, prop, module)}]"
            return "dict[str, Any]"
        return self.scalar(node)

    # ---- classes ------------------------------------------------------------------------
    def field_line(self, cls: str, prop: str, node: dict, required: bool, module: str) -> str:
        typ = self.type_of(node, cls, prop, module)
        name = snake(prop)
        extra = {k: node[k] for k in ("x-pii", "deprecated", "x-sunset", "readOnly") if k in node}
        args = []
        if not required:
            typ = f"{typ} | None"
            args.append("None")
        if name != prop:
            args.append(f"alias={prop!r}")
        if extra:
            args.append(f"json_schema_extra={extra!r}")
        if args == ["None"]:
            return f"    {name}: {typ} = None"
        if not args:
            return f"    {name}: {typ}"
        return f"    {name}: {typ} = Field({', '.join(args)})"

    def class_lines(self, name: str, node: dict, module: str) -> list[str]:
        props = dict(node.get("properties", {}))
        required = set(node.get("required", []))
        one_of_keys: list[str] = []
        for alt in node.get("oneOf", []):  # properties + oneOf of wrappers: merge, exactly one
            alt_schema = self.schemas[ref_name(alt)]
            for k, v in alt_schema.get("properties", {}).items():
                props.setdefault(k, v)
            one_of_keys.extend(alt_schema.get("required", []))
        lines = [f"class {name}(SpotnanaModel):"]
        pii = {k: v["x-pii"] for k, v in props.items() if "x-pii" in v}
        body = [self.field_line(name, k, v, k in required, module) for k, v in props.items()]
        lines += body or ["    pass"]
        if one_of_keys:
            lines += [
                "",
                '    @model_validator(mode="after")',
                "    def _exactly_one(self) -> Self:",
                f"        keys = {dict((k, snake(k)) for k in one_of_keys)!r}",
                "        present = [k for k, attr in keys.items() if getattr(self, attr) is not None]",
                "        if len(present) != 1:",
                f'            raise ValueError("exactly one of {" or ".join(one_of_keys)} is required")',
                "        return self",
            ]
        del pii
        return lines + ["", ""]

    def union_lines(self, name: str, node: dict) -> list[str]:
        alts = [ref_name(a) for a in node["oneOf"]]
        disc = node.get("discriminator")
        fn = f"_{snake(name)}_tag"
        if disc:
            prop = disc["propertyName"]
            mapping = {k: ref_name({"$ref": v}) for k, v in disc["mapping"].items()}
            other = f"{name}Other"
            lines = [
                f"class {other}(UnknownVariant):",
                f'    """A {name} whose {prop} this version does not know: kept as it is."""',
                "",
                f"    tag = {prop!r}",
                f"    known_tags = {tuple(mapping)!r}",
                "",
                "",
                f"_{snake(name).upper()}_MAP = {mapping!r}",
                "",
                "",
                f"def {fn}(v: Any) -> str:",
                f"    key = v.get({prop!r}) if isinstance(v, dict) else getattr(v, {snake(prop)!r}, None)",
                f"    return _{snake(name).upper()}_MAP.get(key, {other!r}) if isinstance(key, str) else {other!r}",
                "",
                "",
                f"{name} = Annotated[",
                "    Union[",
                *[f"        Annotated[{a}, Tag({a!r})]," for a in alts],
                f"        Annotated[{other}, Tag({other!r})],",
                "    ],",
                f"    Discriminator({fn}),",
                "]",
            ]
        else:
            keys = {a: self.schemas[a]["required"][0] for a in alts}
            lines = [
                f"_{snake(name).upper()}_KEYS = {keys!r}",
                "",
                "",
                f"def {fn}(v: Any) -> str | None:",
                "    if isinstance(v, dict):",
                f"        found = [c for c, k in _{snake(name).upper()}_KEYS.items() if k in v]",
                "    else:",
                f"        found = [c for c in _{snake(name).upper()}_KEYS if type(v).__name__ == c]",
                "    return found[0] if len(found) == 1 else None",
                "",
                "",
                f"{name} = Annotated[",
                "    Union[",
                *[f"        Annotated[{a}, Tag({a!r})]," for a in alts],
                "    ],",
                f"    Discriminator({fn}, custom_error_type='one_document',"
                f" custom_error_message='exactly one of {', '.join(keys.values())} is required'),",
                "]",
            ]
        return lines + ["", ""]

    def schema_lines(self, name: str, module: str) -> list[str]:
        node = self.schemas[name]
        if self.is_enum(name):
            return [f"{name} = {self.scalar(node)}", "", ""]
        if "oneOf" in node and "properties" not in node:
            return self.union_lines(name, node)
        if node.get("type") == "string":
            return [f"{name} = {self.scalar(node)}", "", ""]
        return self.class_lines(name, node, module)

    def order(self, names: list[str]) -> list[str]:
        done: list[str] = []
        seen: set[str] = set()

        def visit(n: str) -> None:
            if n in seen:
                return
            seen.add(n)
            for r in sorted(refs_in(self.schemas[n], set())):
                if r in names:
                    visit(r)
                for alt in self.schemas[n].get("oneOf", []):  # merged wrappers' refs
                    for rr in sorted(refs_in(self.schemas[ref_name(alt)], set())):
                        if rr in names:
                            visit(rr)
            done.append(n)

        for n in names:
            visit(n)
        return done

    def module_text(self, module: str) -> str:
        names = [n for n in self.schemas if self.module_of[n] == module]
        body: list[str] = []
        for n in self.order(names):
            self.extra_classes[module] = []
            lines = self.schema_lines(n, module)
            body += self.extra_classes[module] + lines
        imports: dict[str, set[str]] = {}
        for n in names:
            for r in refs_in(self.schemas[n], set()):
                m = self.module_of[r]
                if m != module:
                    imports.setdefault(m, set()).add(r)
        head = [
            f'"""Models of the {module} part of the Users API. Generated by _codegen.py: do not edit."""',
            "",
            "from __future__ import annotations",
            "",
            "from typing import Annotated, Any, Union",
            "",
            "from pydantic import Discriminator, Tag, model_validator",
            "from typing_extensions import Self",
            "",
            "from ._base import (",
            "    INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN, DateTimeStr, Email, EnumValues, Field, Int32, Int64, Integer,",
            "    IntegerBounds, Number, SpotnanaModel, StrictBool, StrictStr, UnknownVariant, Uuid,",
            ")",
        ]
        for m in sorted(imports):
            head.append(f"from .{m} import {', '.join(sorted(imports[m]))}")
        text = "\n".join(head) + "\n\n\n" + "\n".join(body).rstrip() + "\n"
        text += (
            "\n\n__all__ = "
            + json.dumps(sorted(names)).replace('", "', '",\n    "').replace('["', '[\n    "').replace('"]', '",\n]')
            + "\n"
        )
        return text


def main(argv: list[str]) -> int:
    shared = Path(argv[1] if len(argv) > 1 else "../shared/spotnana")
    users = json.loads((shared / "users-api.fixed.openapi.json").read_text())
    auth = json.loads((shared / "auth-api.openapi.json").read_text())
    schemas = dict(users["components"]["schemas"])
    for n in AUTH_SCHEMAS:
        schemas[n] = auth["components"]["schemas"][n]
    gen = Gen(schemas)
    gen.assign_modules()
    modules = ["common", *GROUPS, "users", "auth"]
    for m in modules:
        (HERE / f"{m}.py").write_text(gen.module_text(m))
    print("wrote", ", ".join(f"{m}.py" for m in modules))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
