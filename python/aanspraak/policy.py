"""Policy sets as data (SPEC 2): bundled TOML files or your own."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from aanspraak import _core
from aanspraak.codes import CodeTable


class Policy:
    """A validated, compiled policy set (statutory parameters, basic and supplementary products).

    Load a bundled set by key (see :func:`policies`), a TOML file by path, or TOML text.

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
        if name in _core.bundled_policies():
            return cls(_core.CompiledPolicy.load(name), _core.bundled_policy_toml(name), name)
        return cls(_core.CompiledPolicy.load(name), Path(name).read_text(encoding="utf-8") if Path(name).exists() else None, name)

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
        return cls._compile(text, origin, code_table, _read_lists({}, authorization_list, pok_list))

    @classmethod
    def _compile(cls, text: str, origin: str, code_table: CodeTable | None, lists: dict[str, tuple[str, str]]) -> "Policy":
        csv = code_table.csv_text if code_table is not None else None
        compiled = _core.CompiledPolicy.from_toml(text, origin, csv, lists.get("authorization_list"), lists.get("pok_list"))
        return cls(compiled, text, origin, code_table, lists)

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

        for y, cents in self._compiled.eigen_risico_by_year():
            if y == year:
                return (Decimal(cents) / 100).quantize(Decimal("0.01"))
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
                "product": k,
                "name": n,
                "default": k == self.default_basic_product,
                "non_contracted_share_pct": share,
                "accident_cover": None,
                "min_age": None,
                "annual_max": None,
            }
            for k, n, share in self._compiled.basic_products()
        ]
        rows += [
            {
                "policy_set": self.key,
                "kind": "supplementary",
                "product": k,
                "name": n,
                "default": False,
                "non_contracted_share_pct": None,
                "accident_cover": accident,
                "min_age": min_age,
                "annual_max": None if cents is None else Decimal(cents).scaleb(-2),
            }
            for k, n, accident, min_age, cents, _rules in self._compiled.supplementary_products()
        ]
        return pl.DataFrame(rows, schema={
            "policy_set": pl.String, "kind": pl.String, "product": pl.String, "name": pl.String,
            "default": pl.Boolean, "non_contracted_share_pct": pl.Float64,
            "accident_cover": pl.Boolean, "min_age": pl.Int32, "annual_max": pl.Decimal(18, 2),
        })

    def __repr__(self) -> str:
        return f"Policy({self.key!r}: {self.name})"


def _read_lists(
    lists: dict[str, tuple[str, str]], authorization_list: str | Path | None, pok_list: str | Path | None
) -> dict[str, tuple[str, str]]:
    """`lists` with the given CSV files read in as (text, origin)."""
    out = dict(lists)
    for key, path in (("authorization_list", authorization_list), ("pok_list", pok_list)):
        if path is not None:
            out[key] = (Path(path).read_text(encoding="utf-8"), str(path))
    return out


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
