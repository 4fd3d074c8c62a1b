"""Policy sets as data (docs/rules.md#policy-sets): bundled TOML files or your own."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from decimal import Decimal
from typing import Any

import polars as pl
import tomli_w

from aanspraak import _core
from aanspraak.codes import CodeTable


class Policy:
    """A validated, compiled policy set (statutory parameters, basic and supplementary products).

    Load a bundled set by key (see :func:`policies`), a TOML file by path, or TOML text.
    Every policy extends the statutory file (docs/rules.md#the-statutory-file): the eigen
    risico per year, the Rzv 2.31 percentages and the Bzv 2.7 lid 4 frequency limits come
    from it unless the policy states them itself. :meth:`document` is the policy as one
    TOML document with the statutory values merged in, :meth:`statutory` the values with
    their references.

    Examples
    --------
    >>> p = Policy.load("defriesland-2022")
    >>> p.default_basic_product
    'alles-verzorgd'
    >>> p.eigen_risico(2022)
    Decimal('385.00')
    """

    def __init__(
        self,
        compiled: "_core.CompiledPolicy",
        toml_text: str | None,
        origin: str,
        code_table: CodeTable | None = None,
        msz_lists: dict[str, tuple[str, str]] | None = None,
    ) -> None:
        self._compiled = compiled
        self.toml_text = toml_text
        self.origin = origin
        self._code_table = code_table
        self._msz_lists = dict(msz_lists or {})

    @classmethod
    def load(cls, name_or_path: str | Path) -> "Policy":
        """A bundled policy set by key, or a TOML file by path (errors name file, key and expectation)."""
        name = str(name_or_path)
        compiled = _core.CompiledPolicy.load(name)
        return cls(compiled, compiled.document, name)

    @classmethod
    def from_toml(
        cls,
        text: str,
        origin: str = "<string>",
        code_table: CodeTable | None = None,
        *,
        authorization_list: str | Path | None = None,
        pok_list: str | Path | None = None,
    ) -> "Policy":
        """Compile TOML text. ``code_table`` replaces the bundled dental code table;
        ``authorization_list`` and ``pok_list`` (CSV paths, same columns as the bundled
        files in ``rust/aanspraak-core/data/msz``) replace the hospital-care lists."""
        lists = _read_lists({}, authorization_list, pok_list)
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            doc = {}  # the engine reports where the TOML is broken
        # Files the TOML names (code_table, msz lists), relative to `origin`'s directory.
        code_table, lists = _references(doc, origin, code_table, lists)
        return cls._compile(text, origin, code_table, lists)

    @classmethod
    def _compile(cls, text: str, origin: str, code_table: CodeTable | None, lists: dict[str, tuple[str, str]]) -> "Policy":
        csv = code_table.csv_text if code_table is not None else None
        compiled = _core.CompiledPolicy.from_toml(text, origin, csv, lists.get("authorization_list"), lists.get("pok_list"))
        return cls(compiled, compiled.document, origin, code_table, lists)

    def _recompile(self, code_table: CodeTable | None, lists: dict[str, tuple[str, str]]) -> "Policy":
        if self.toml_text is None:
            raise ValueError("this policy has no TOML text to recompile")
        return Policy._compile(self.toml_text, self.origin, code_table, lists)

    def with_code_table(self, table: CodeTable) -> "Policy":
        """The same policy with another dental code table (e.g. a newer NZa year)."""
        return self._recompile(table, self._msz_lists)

    def with_msz_lists(self, authorization_list: str | Path | None = None, pok_list: str | Path | None = None) -> "Policy":
        """The same policy with the insurer's own hospital-care lists (CSV files with the
        columns of the bundled ones); errors name the file, the line and the column.

        Examples
        --------
        >>> import aanspraak, tempfile, pathlib
        >>> auth, pok = aanspraak._core.bundled_msz_lists()
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "pok.csv"
        >>> _ = path.write_text(pok.splitlines()[0])   # an empty POK list
        >>> Policy.load("defriesland-2022").with_msz_lists(pok_list=path).key
        'defriesland-2022'
        """
        return self._recompile(self._code_table, _read_lists(self._msz_lists, authorization_list, pok_list))

    # What-if policies: derived from this one by changing TOML keys, compiled and
    # validated like a file (errors name the key). The base policy is not changed.

    def document(self) -> dict[str, Any]:
        """The policy's TOML as a dict (a fresh copy each call): the insurer file with the
        statutory file merged in, so that what-ifs reach statutory values by the same
        paths (``statutory[0].compulsory_eigen_risico_eur``,
        ``basic.<product>.frequency_limits[0].per_year``).

        Examples
        --------
        >>> doc = Policy.load("vgz-2021").document()
        >>> [(b["years"], b["compulsory_eigen_risico_eur"]) for b in doc["statutory"]]
        [([2013, 2013], 350), ([2014, 2014], 360), ([2015, 2015], 375), ([2016, 2016], 385), ([2017, 2026], 385)]
        >>> [f["law"] for f in doc["basic"]["uc-ruime-keuze"]["frequency_limits"]]
        ['bzv-2.7-lid4-a', 'bzv-2.7-lid4-d']
        """
        if self.toml_text is None:
            raise ValueError(f"policy {self.origin!r} has no TOML text to derive from")
        return tomllib.loads(self.toml_text)

    def with_values(self, changes: Mapping[str, Any], *, label: str | None = None) -> "Policy":
        """A policy with TOML keys set, by dotted path with ``[i]`` for array entries;
        ``None`` removes a key. Paths mirror the TOML file, so ``extends`` still applies:
        changing a product changes the products that extend it and do not set the key.

        Examples
        --------
        >>> p = Policy.load("defriesland-2022")
        >>> q = p.with_values({"supplementary.av-tand-standaard.annual_max_eur": 300,
        ...                    "supplementary.av-tand-standaard.rules[0].share_pct": 100})
        >>> q.products().filter(product="av-tand-standaard")["annual_max"].item()
        Decimal('300.00')
        >>> p.products().filter(product="av-tand-standaard")["annual_max"].item()
        Decimal('250.00')
        """
        doc = self.document()
        for path, value in changes.items():
            _set_path(doc, path, value)
        what = label or ", ".join(f"{k}={v!r}" for k, v in changes.items())
        return self._derived(doc, what)

    def with_eigen_risico(self, eur: int, *, voluntary: bool = True) -> "Policy":
        """The compulsory eigen risico (Zvw art. 19) set to ``eur`` whole euros in every
        year. ``voluntary=False`` also ignores the insureds' voluntary deductibles (Zvw
        art. 20, the ``voluntary_deductible`` column), so that ``with_eigen_risico(0,
        voluntary=False)`` means no eigen risico at all.

        Examples
        --------
        >>> Policy.load("defriesland-2022").with_eigen_risico(165).eigen_risico(2022)
        Decimal('165.00')
        """
        doc = self.document()
        for block in doc.get("statutory", []):
            block["compulsory_eigen_risico_eur"] = eur
            if not voluntary:
                block["voluntary_eigen_risico"] = False
        return self._derived(doc, f"eigen risico EUR {eur}" + ("" if voluntary else " without voluntary"))

    def with_basic(self, product: str, **keys: Any) -> "Policy":
        """Keys of a basic product set (``None`` removes one), e.g.
        ``with_basic("alles-verzorgd", non_contracted_share_pct=100)``."""
        return self.with_values({f"basic.{product}.{k}": v for k, v in keys.items()}, label=f"{product}: {_kv(keys)}")

    def with_supplementary(self, product: str, *, rule: int | None = None, **keys: Any) -> "Policy":
        """Keys of a supplementary product set, or of its ``rule``-th rule (0-based), e.g.
        ``with_supplementary("av-tand-extra", annual_max_eur=750)`` or
        ``with_supplementary("av-tand-opstap", rule=0, share_pct=100)``."""
        prefix = f"supplementary.{product}" + ("" if rule is None else f".rules[{rule}]")
        where = product if rule is None else f"{product} rule {rule}"
        return self.with_values({f"{prefix}.{k}": v for k, v in keys.items()}, label=f"{where}: {_kv(keys)}")

    def without_code(self, code: str, *, within: str | None = None) -> "Policy":
        """``code`` dropped from every ``codes`` list (exclusions, authorisations, rules,
        ...) under the dotted path ``within`` (the whole policy by default). An entry left
        with nothing to match on is dropped. Raises ValueError when the code is in none.

        Examples
        --------
        >>> p = Policy.load("defriesland-2022").without_code("M80", within="basic.alles-verzorgd.exclusions")
        >>> p.document()["basic"]["alles-verzorgd"]["exclusions"][0]["codes"]
        ['M81', 'M05', 'G44', 'G74', 'C012']
        """
        doc = self.document()
        node = _get_path(doc, within) if within else doc
        if _drop_code(node, code.strip().upper()) == 0:
            raise ValueError(f"code {code!r} is in no codes list of {within or self.origin!r}")
        return self._derived(doc, f"without {code}" + (f" in {within}" if within else ""))

    def _derived(self, doc: dict[str, Any], what: str) -> "Policy":
        origin = f"{self.origin} with {what}"
        _check_toml_values(doc, origin)
        code_table, lists = self._references(doc)
        text = tomli_w.dumps(doc)
        derived = Policy._compile(text, origin, code_table, lists)
        return derived

    def _references(self, doc: dict[str, Any]) -> tuple[CodeTable | None, dict[str, tuple[str, str]]]:
        """The code table and msz lists this policy compiles with (see :func:`_references`)."""
        return _references(doc, self.origin, self._code_table, self._msz_lists)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickle as text (TOML, code table, msz lists), so that a policy travels to Spark
        executors and Dask workers; unpickling compiles it once per process."""
        return (_restore, (self._portable(),))

    def _portable(self) -> tuple[Any, ...]:
        """This policy as hashable text: enough to compile it again on another machine."""
        if self.toml_text is None:
            raise ValueError(f"policy {self.origin!r} has no TOML text to send elsewhere")
        if self.origin in _core.bundled_policies() and self._code_table is None and not self._msz_lists:
            if self.toml_text == _core.bundled_policy_toml(self.origin):
                return ("bundled", self.origin)
        code_table, lists = self._references(tomllib.loads(self.toml_text))
        table = None if code_table is None else (code_table.csv_text, code_table.origin)
        return ("toml", self.toml_text, self.origin, table, tuple(sorted(lists.items())))

    @property
    def key(self) -> str:
        return self._compiled.key

    @property
    def name(self) -> str:
        return self._compiled.name

    @property
    def source(self) -> str:
        return self._compiled.source

    @property
    def default_basic_product(self) -> str:
        return self._compiled.default_basic_product

    def eigen_risico(self, year: int):
        """The compulsory eigen risico of a calendar year, as a Decimal in euros."""
        from decimal import Decimal

        for r in self._compiled.eigen_risico_by_year():
            if r.year == year:
                return (Decimal(r.cents) / 100).quantize(Decimal("0.01"))
        raise KeyError(f"policy {self.key!r} has no statutory parameters for {year}")

    def products(self) -> pl.DataFrame:
        """One row per product: kind (basic/supplementary), key, name, default,
        non-contracted share (basic), accident cover, minimum age and annual maximum in
        euros (supplementary, first conditions)."""
        from decimal import Decimal

        rows = [
            {
                "policy_set": self.key,
                "kind": "basic",
                "product": b.key,
                "name": b.name,
                "default": b.key == self.default_basic_product,
                "non_contracted_share_pct": b.non_contracted_share_pct,
                "accident_cover": None,
                "min_age": None,
                "annual_max": None,
            }
            for b in self._compiled.basic_products()
        ]
        rows += [
            {
                "policy_set": self.key,
                "kind": "supplementary",
                "product": s.key,
                "name": s.name,
                "default": False,
                "non_contracted_share_pct": None,
                "accident_cover": s.accident_cover,
                "min_age": s.min_age,
                "annual_max": None if s.annual_max_cents is None else Decimal(s.annual_max_cents).scaleb(-2),
            }
            for s in self._compiled.supplementary_products()
        ]
        return pl.DataFrame(rows, schema={
            "policy_set": pl.String, "kind": pl.String, "product": pl.String, "name": pl.String,
            "default": pl.Boolean, "non_contracted_share_pct": pl.Float64,
            "accident_cover": pl.Boolean, "min_age": pl.Int32, "annual_max": pl.Decimal(18, 2),
        })

    def statutory(self) -> pl.DataFrame:
        """The statutory values this policy uses, each with its reference
        (docs/rules.md#the-statutory-file): one row per calendar year and parameter
        (``compulsory_eigen_risico_eur`` in euros, the Rzv 2.31 percentages and
        ``implant_denture_fixed_eur``, the fixed euros per jaw of 2013-2016), and one per
        basic product and statutory frequency limit (``parameter`` its ``law`` id, e.g.
        ``bzv-2.7-lid4-a``, ``value`` the times per year). ``statutory_value`` is the
        statutory file's value; a policy or what-if that overrides it shows its own
        ``value`` and ``source``. ``reference`` names the article, ``href`` the law on
        wetten.overheid.nl.

        Examples
        --------
        >>> p = Policy.load("defriesland-2022")
        >>> er = p.statutory().filter(parameter="compulsory_eigen_risico_eur", year=2022)
        >>> er.select("value", "statutory_value", "reference").row(0)
        (385.0, 385.0, 'Zorgverzekeringswet, artikel 19 (verplicht eigen risico)')
        >>> p.statutory().filter(parameter="implant_denture_fixed_eur", year=2015)[["value", "href"]].row(0)
        (125.0, 'https://wetten.overheid.nl/BWBR0018715/2015-01-01')
        >>> p.with_eigen_risico(165).statutory().filter(parameter="compulsory_eigen_risico_eur", year=2022)["value"].item()
        165.0
        >>> p.statutory().filter(parameter="bzv-2.7-lid4-a")[["product", "value", "reference"]].rows()
        [('alles-verzorgd', 1.0, 'Besluit zorgverzekering, artikel 2.7 lid 4 sub a'), ('zelf-bewust', 1.0, 'Besluit zorgverzekering, artikel 2.7 lid 4 sub a')]
        """
        rows = self._compiled.statutory()
        names = ("parameter", "product", "year", "value", "unit", "statutory_value", "reference", "href", "source")
        return pl.DataFrame(
            {n: [getattr(r, n) for r in rows] for n in names},
            schema={
                "parameter": pl.String, "product": pl.String, "year": pl.Int32, "value": pl.Float64, "unit": pl.String,
                "statutory_value": pl.Float64, "reference": pl.String, "href": pl.String, "source": pl.String,
            },
        )

    def __repr__(self) -> str:
        return f"Policy({self.key!r}: {self.name})"


def _references(
    doc: Mapping[str, Any], origin: str, code_table: CodeTable | None, lists: Mapping[str, tuple[str, str]]
) -> tuple[CodeTable | None, dict[str, tuple[str, str]]]:
    """The code table and msz lists a policy compiles with, read in as text: the ones
    given in Python, else the files its TOML names (relative to the policy file when
    `origin` is one, else to the working directory). A file that cannot be read is a
    PolicyError naming the policy, the key and the path."""
    lists = dict(lists)
    base = Path(origin).parent if Path(origin).is_file() else Path(".")

    def read(key: str, path: Any, load: Any) -> Any:
        if not isinstance(path, str):
            raise _core.PolicyError(f"{origin}: key `{key}`: expected the path of a CSV file (a string), found {path!r}")
        try:
            return load(base / path)
        except OSError as e:
            raise _core.PolicyError(
                f"{origin}: key `{key}`: expected a readable CSV file at {str(base / path)!r} ({e.strerror or e})"
            ) from None

    if code_table is None and doc.get("code_table") is not None:
        code_table = read("code_table", doc["code_table"], CodeTable.from_csv)
    msz = doc.get("msz")
    for key, path in (msz.items() if isinstance(msz, Mapping) else ()):
        if key not in lists and key in ("authorization_list", "pok_list"):
            lists = read(f"msz.{key}", path, lambda p, key=key: _read_lists(lists, **{key: p}))
    return code_table, lists


#: Python values tomli_w writes as TOML (None is not one: in `with_values` it removes a key).
_TOML_SCALARS = (str, bool, int, float, Decimal, dt.date, dt.time)


def _check_toml_values(node: Any, origin: str, parts: tuple[str | int, ...] = ()) -> None:
    """Raise a PolicyError naming the key of the first value TOML cannot hold (None inside
    an array or table, an object, ...), instead of the serialiser's error without one."""
    if isinstance(node, Mapping):
        for k, v in node.items():
            _check_toml_values(v, origin, (*parts, str(k)))
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            _check_toml_values(v, origin, (*parts, i))
    elif not isinstance(node, _TOML_SCALARS):
        raise _core.PolicyError(
            f"{origin}: key `{_show(list(parts))}`: expected a TOML value (text, number, boolean, date, "
            f"array or table), found {node!r}"
        )


_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _parse_path(path: str) -> list[str | int]:
    parts: list[str | int] = []
    pos = 0
    for m in _PATH_PART.finditer(path):
        if m.start() != pos and path[pos:m.start()] != ".":
            break
        parts.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
        pos = m.end()
    if pos != len(path) or not parts:
        raise ValueError(f"not a policy path: {path!r} (expected e.g. 'supplementary.av-tand-extra.rules[0].share_pct')")
    return parts


def _get_path(doc: Any, path: str) -> Any:
    node = doc
    for i, part in enumerate(parts := _parse_path(path)):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            hint = ""
            if isinstance(node, dict) and isinstance(node.get("extends"), str):
                hint = f" ({_show(parts[:i])} extends {node['extends']!r}: change the key there, or set it here whole)"
            raise ValueError(f"the policy has no {_show(parts[: i + 1])!r}{hint}") from None
    return node


def _set_path(doc: dict[str, Any], path: str, value: Any) -> None:
    parts = _parse_path(path)
    parent = _get_path(doc, _show(parts[:-1])) if len(parts) > 1 else doc
    last = parts[-1]
    if isinstance(last, int):
        if not isinstance(parent, list) or not 0 <= last < len(parent):
            raise ValueError(f"the policy has no {path!r}")
        parent[last] = value
    elif not isinstance(parent, dict):
        raise ValueError(f"{_show(parts[:-1])!r} is not a table")
    elif value is None:
        parent.pop(last, None)
    else:
        parent[last] = copy.deepcopy(value)


def _show(parts: list[str | int]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(parts))


def _kv(keys: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in keys.items())


_SELECTORS = ("codes", "tags", "sections", "ortho_categories")


def _drop_code(node: Any, code: str) -> int:
    """Remove `code` from every `codes` list under `node`; returns how many it removed."""
    removed = 0
    if isinstance(node, dict):
        if isinstance(node.get("codes"), list):
            kept = [c for c in node["codes"] if str(c).strip().upper() != code]
            removed += len(node["codes"]) - len(kept)
            node["codes"] = kept
        for v in node.values():
            removed += _drop_code(v, code)
    elif isinstance(node, list):
        for v in node:
            removed += _drop_code(v, code)
        # An entry of an array of tables left with nothing to match on goes.
        node[:] = [v for v in node if not (isinstance(v, dict) and "codes" in v and not any(v.get(k) for k in _SELECTORS))]
    return removed


def _read_lists(
    lists: dict[str, tuple[str, str]], authorization_list: str | Path | None, pok_list: str | Path | None
) -> dict[str, tuple[str, str]]:
    """`lists` with the given CSV files read in as (text, origin)."""
    out = dict(lists)
    for key, path in (("authorization_list", authorization_list), ("pok_list", pok_list)):
        if path is not None:
            out[key] = (Path(path).read_text(encoding="utf-8"), str(path))
    return out


@functools.lru_cache(maxsize=16)
def _restore(state: tuple[Any, ...]) -> Policy:
    """Policy from :meth:`Policy._portable`; cached, so a worker compiles each policy once."""
    if state[0] == "bundled":
        return Policy.load(state[1])
    _, text, origin, table, lists = state
    code_table = None if table is None else CodeTable(*table)
    return Policy._compile(text, origin, code_table, dict(lists))


def policies() -> pl.DataFrame:
    """The bundled policy sets and their products.

    Examples
    --------
    >>> df = policies()
    >>> sorted(df["policy_set"].unique().to_list())
    ['defriesland-2022', 'iptiq-2019', 'vgz-2021']
    """
    return pl.concat([Policy.load(k).products() for k in _core.bundled_policies()])


def resolve(policy: "str | Path | Policy") -> Policy:
    """A Policy from a bundled key, a path, or a Policy."""
    if isinstance(policy, Policy):
        return policy
    if isinstance(policy, (str, Path)):
        return Policy.load(policy)
    raise TypeError(f"policy must be a bundled key, a TOML path or a Policy, not {type(policy).__name__}")
