//! Thin pyo3 layer: Arrow in (any `__arrow_c_stream__` object), Arrow out (pyarrow
//! Table), errors mapped to Python exceptions, the GIL released while Rust works.

#[global_allocator]
static GLOBAL: aanspraak_core::alloc::HugePageHint = aanspraak_core::alloc::HugePageHint;

use aanspraak_core::codes::{tag, CodeTable};
use aanspraak_core::msz;
use aanspraak_core::policy::{self, CompiledPolicy};
use aanspraak_core::reason::REASONS;
use aanspraak_core::Error;
use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3_arrow::PyTable;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

create_exception!(_core, SchemaError, PyValueError, "The input table lacks a required column or has an unusable type.");
create_exception!(_core, PolicyError, PyValueError, "A policy file or reference table is invalid.");
create_exception!(
    _core,
    OpeningError,
    PyValueError,
    "An opening frame with bad values, or balances of a product or sub-limit the policy set lacks: the message names the rows or the key (docs/rules.md#opening-balances)."
);

fn to_py(e: Error) -> PyErr {
    match e {
        Error::Schema { .. } => SchemaError::new_err(e.to_string()),
        Error::Policy { .. } => PolicyError::new_err(e.to_string()),
        Error::Opening(m) => OpeningError::new_err(m),
        Error::Other(m) => PyRuntimeError::new_err(m),
    }
}

/// Run `f` so that a Rust panic becomes a Python RuntimeError, never a crash.
fn guarded<T>(f: impl FnOnce() -> aanspraak_core::Result<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(to_py),
        Err(p) => {
            let msg = p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned()).unwrap_or_default();
            Err(PyRuntimeError::new_err(format!("internal error in aanspraak (please report): {msg}")))
        }
    }
}

/// A compiled policy set.
#[pyclass(module = "aanspraak._core", name = "CompiledPolicy", frozen)]
struct PyPolicy {
    inner: Arc<CompiledPolicy>,
}

#[pymethods]
impl PyPolicy {
    /// Load a bundled policy set by key, or a TOML file by path.
    #[staticmethod]
    fn load(py: Python<'_>, name_or_path: String) -> PyResult<Self> {
        let p = py.detach(|| guarded(|| policy::load(&name_or_path)))?;
        Ok(PyPolicy { inner: Arc::new(p) })
    }

    /// Compile a policy set from TOML text (the statutory file merged in); `origin` names
    /// it in error messages. `code_table_csv` replaces the bundled code table when given.
    /// `authorization_list` / `pok_list`: (CSV text, origin) replacing the bundled msz
    /// lists. Files the TOML names are not read here (Python reads them and passes them).
    #[staticmethod]
    #[pyo3(signature = (text, origin, code_table_csv=None, authorization_list=None, pok_list=None))]
    fn from_toml(
        py: Python<'_>,
        text: String,
        origin: String,
        code_table_csv: Option<String>,
        authorization_list: Option<(String, String)>,
        pok_list: Option<(String, String)>,
    ) -> PyResult<Self> {
        let p = py.detach(|| {
            guarded(|| {
                let source = |(text, origin): (String, String)| policy::Source::new(text, origin);
                policy::assemble(policy::Sources {
                    code_table: code_table_csv.map(|csv| policy::Source::new(csv, format!("{origin} code table"))),
                    authorization_list: authorization_list.map(source),
                    pok_list: pok_list.map(source),
                    files: policy::Files::Given,
                    ..policy::Sources::toml(text, origin.clone())
                })
            })
        })?;
        Ok(PyPolicy { inner: Arc::new(p) })
    }

    #[getter]
    fn key(&self) -> String {
        self.inner.key.clone()
    }
    #[getter]
    fn name(&self) -> String {
        self.inner.name.clone()
    }
    #[getter]
    fn source(&self) -> String {
        self.inner.source.clone()
    }
    #[getter]
    fn default_basic_product(&self) -> String {
        self.inner.basic[self.inner.default_basic].key.clone()
    }
    /// The policy as one TOML document: the insurer file with the statutory file merged
    /// in (docs/rules.md#the-statutory-file); compiling it again gives the same policy.
    #[getter]
    fn document(&self) -> String {
        self.inner.document.clone()
    }
    /// The basic products.
    fn basic_products(&self) -> Vec<BasicProduct> {
        self.inner
            .basic
            .iter()
            .map(|b| BasicProduct { key: b.key.clone(), name: b.name.clone(), non_contracted_share_pct: b.non_contracted_bp as f64 / 100.0 })
            .collect()
    }
    /// The supplementary products, with the terms of their first conditions.
    fn supplementary_products(&self) -> Vec<SupplementaryProduct> {
        self.inner
            .supp
            .iter()
            .map(|p| {
                let t = &p.terms[0];
                let max = (t.annual_max != aanspraak_core::supplementary::terms::NO_LIMIT).then_some(t.annual_max);
                SupplementaryProduct {
                    key: p.key.clone(),
                    name: p.name.clone(),
                    accident_cover: p.accident,
                    min_age: t.min_age,
                    annual_max_cents: max,
                    rules: t.rules.len(),
                }
            })
            .collect()
    }
    /// The compulsory eigen risico per calendar year with parameters.
    fn eigen_risico_by_year(&self) -> Vec<YearEigenRisico> {
        self.inner.years.iter().map(|(y, p)| YearEigenRisico { year: *y, cents: p.eigen_risico_cents }).collect()
    }
    /// The statutory values the policy uses, with their references (`Policy.statutory()`).
    fn statutory(&self) -> Vec<StatutoryValue> {
        self.inner
            .statutory_values()
            .into_iter()
            .map(|v| StatutoryValue {
                parameter: v.parameter,
                product: v.product,
                year: v.year,
                value: v.value,
                unit: v.unit,
                statutory_value: v.statutory_value,
                reference: v.reference,
                href: v.href,
                source: v.source,
            })
            .collect()
    }

    /// Score an Arrow table; returns a pyarrow Table of the output columns in input order.
    /// `opening`: the normalised opening balances (`aanspraak._opening`); the output's
    /// schema metadata then counts the balances capped at their pot.
    /// `as_of`: score as known on that day (days since 1970-01-01; docs/rules.md#as-known-on-a-date).
    #[pyo3(signature = (table, opening=None, as_of=None))]
    fn score<'py>(&self, py: Python<'py>, table: PyTable, opening: Option<PyTable>, as_of: Option<i32>) -> PyResult<Bound<'py, PyAny>> {
        let (batches, schema) = table.into_inner();
        let opening = opening.map(|o| o.into_inner());
        let pol = self.inner.clone();
        let out = py.detach(move || {
            guarded(|| aanspraak_core::engine::score_as_of(schema, &batches, &pol, opening.as_ref().map(|(b, s)| (s.clone(), &b[..])), as_of))
        })?;
        let schema = out.schema();
        let t = PyTable::try_new(vec![out], schema)?;
        Ok(t.into_pyarrow(py)?)
    }
}

/// A basic product of a policy (`CompiledPolicy.basic_products()`).
#[pyclass(module = "aanspraak._core", get_all, frozen)]
struct BasicProduct {
    key: String,
    name: String,
    /// Reimbursement for non-contracted providers, in %.
    non_contracted_share_pct: f64,
}

/// A supplementary product of a policy, its first conditions (`supplementary_products()`).
#[pyclass(module = "aanspraak._core", get_all, frozen)]
struct SupplementaryProduct {
    key: String,
    name: String,
    accident_cover: bool,
    min_age: i32,
    /// Annual maximum in cents; None without one.
    annual_max_cents: Option<i64>,
    /// Number of rules.
    rules: usize,
}

/// The compulsory eigen risico of a calendar year (`eigen_risico_by_year()`).
#[pyclass(module = "aanspraak._core", get_all, frozen)]
struct YearEigenRisico {
    year: i32,
    cents: i64,
}

/// A statutory value a policy uses, with its reference (`CompiledPolicy.statutory()`).
#[pyclass(module = "aanspraak._core", get_all, frozen)]
struct StatutoryValue {
    /// A year parameter (`compulsory_eigen_risico_eur`, ...) or a frequency limit's `law` id.
    parameter: String,
    /// The basic product (frequency limits), else None.
    product: Option<String>,
    /// The calendar year (year parameters), else None.
    year: Option<i32>,
    value: f64,
    unit: String,
    /// The statutory file's value (None when it has none for that year).
    statutory_value: Option<f64>,
    reference: String,
    href: String,
    source: String,
}

/// A reason of the catalogue (`reasons()`, `supplementary_reasons()`).
#[pyclass(module = "aanspraak._core", get_all, frozen)]
struct ReasonInfo {
    code: String,
    meaning: String,
    legal_basis: String,
    example: String,
    /// The functions that emit the reason (`reason::sources`).
    emitted_by: Vec<&'static str>,
}

impl ReasonInfo {
    fn new(code: &str, meaning: &str, legal_basis: &str, example: &str, emitted_by: &[&'static str]) -> ReasonInfo {
        ReasonInfo {
            code: code.into(),
            meaning: meaning.into(),
            legal_basis: legal_basis.into(),
            example: example.into(),
            emitted_by: emitted_by.to_vec(),
        }
    }
}

/// Declarations read once, for scoring under several policies (`aanspraak.compare`).
#[pyclass(module = "aanspraak._core", name = "Prepared", frozen)]
struct PyPrepared {
    inner: Arc<aanspraak_core::compare::Prepared>,
}

#[pymethods]
impl PyPrepared {
    /// Read and validate `table` for policies with the years and product keys of `policy`.
    /// `opening`: the normalised opening balances, as for `CompiledPolicy.score`.
    #[new]
    /// `as_of`: as known on that day (days since 1970-01-01), as for `CompiledPolicy.score`.
    #[pyo3(signature = (table, policy, opening=None, as_of=None))]
    fn new(py: Python<'_>, table: PyTable, policy: &PyPolicy, opening: Option<PyTable>, as_of: Option<i32>) -> PyResult<Self> {
        let (batches, schema) = table.into_inner();
        let opening = opening.map(|o| {
            let (b, s) = o.into_inner();
            (s, b)
        });
        let pol = policy.inner.clone();
        let p = py.detach(move || {
            guarded(|| {
                let p = aanspraak_core::compare::Prepared::with_opening(schema, batches, &pol, opening)?;
                Ok(match as_of {
                    Some(day) => p.known_on(day),
                    None => p,
                })
            })
        })?;
        Ok(PyPrepared { inner: Arc::new(p) })
    }

    /// The number of lines not yet booked on the `as_of` day (0 without one).
    fn not_yet_booked(&self) -> usize {
        self.inner.not_yet_booked()
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// Whether `policy` reuses the prepared input (same years and product keys).
    fn shares_input(&self, policy: &PyPolicy) -> bool {
        self.inner.shares_input(&policy.inner)
    }

    /// The named output columns under `policy`, as a pyarrow Table in input order.
    fn score<'py>(&self, py: Python<'py>, policy: &PyPolicy, columns: Vec<String>) -> PyResult<Bound<'py, PyAny>> {
        let (prepared, pol) = (self.inner.clone(), policy.inner.clone());
        let out = py.detach(move || {
            let names: Vec<&str> = columns.iter().map(String::as_str).collect();
            guarded(|| prepared.score(&pol, &names))
        })?;
        let schema = out.schema();
        Ok(PyTable::try_new(vec![out], schema)?.into_pyarrow(py)?)
    }

    /// The named output columns under each policy (the first is the baseline whose
    /// results the others reuse where they agree with it; its table starts with the
    /// `shared` columns): a list of pyarrow Tables, and per policy the sums in cents of
    /// its money columns, (name, cents).
    #[allow(clippy::type_complexity)]
    fn compare<'py>(
        &self,
        py: Python<'py>,
        policies: Vec<PyRef<'py, PyPolicy>>,
        shared: Vec<String>,
        columns: Vec<String>,
    ) -> PyResult<(Vec<Bound<'py, PyAny>>, Vec<Vec<(String, i128)>>)> {
        let prepared = self.inner.clone();
        let pols: Vec<Arc<CompiledPolicy>> = policies.iter().map(|p| p.inner.clone()).collect();
        let (outs, totals) = py.detach(move || {
            let shared: Vec<&str> = shared.iter().map(String::as_str).collect();
            let names: Vec<&str> = columns.iter().map(String::as_str).collect();
            let refs: Vec<&CompiledPolicy> = pols.iter().map(|p| p.as_ref()).collect();
            guarded(|| {
                let outs = prepared.compare(&refs, &shared, &names)?;
                let totals = outs.iter().map(aanspraak_core::compare::money_totals).collect::<Vec<_>>();
                Ok((outs, totals))
            })
        })?;
        let tables = outs
            .into_iter()
            .map(|out| {
                let schema = out.schema();
                Ok(PyTable::try_new(vec![out], schema)?.into_pyarrow(py)?)
            })
            .collect::<PyResult<Vec<_>>>()?;
        Ok((tables, totals))
    }

    /// The number of distinct insured ids.
    fn distinct_insured(&self, py: Python<'_>) -> PyResult<usize> {
        let prepared = self.inner.clone();
        py.detach(move || guarded(|| Ok(prepared.distinct_insured())))
    }
}

/// The reason catalogue.
#[pyfunction]
fn reasons() -> Vec<ReasonInfo> {
    REASONS.iter().map(|r| ReasonInfo::new(r.1, r.2, r.3, r.4, r.0.emitted_by())).collect()
}

/// The supplementary reason catalogue (`legal_basis`: what the reason rests on).
#[pyfunction]
fn supplementary_reasons() -> Vec<ReasonInfo> {
    aanspraak_core::reason::SUPP_REASONS.iter().map(|r| ReasonInfo::new(r.1, r.2, r.3, r.4, r.0.emitted_by())).collect()
}

/// Keys of the bundled policy sets.
#[pyfunction]
fn bundled_policies() -> Vec<&'static str> {
    policy::BUNDLED.iter().map(|b| b.0).collect()
}

/// The TOML text of a bundled policy set as one document: its insurer file with the
/// statutory file merged in (docs/rules.md#the-statutory-file).
#[pyfunction]
fn bundled_policy_toml(key: &str) -> PyResult<String> {
    policy::bundled_document(key).ok_or_else(|| PolicyError::new_err(format!("no bundled policy set {key:?}")))
}

/// The TOML text of the bundled statutory file.
#[pyfunction]
fn statutory_toml() -> &'static str {
    policy::statutory::BUNDLED_STATUTORY
}

/// The CSV text of the bundled dental code table.
#[pyfunction]
fn bundled_code_table_csv() -> &'static str {
    aanspraak_core::codes::BUNDLED_DENTAL
}

/// The CSV texts of the bundled msz lists: (authorisation list, POK list).
#[pyfunction]
fn bundled_msz_lists() -> (&'static str, &'static str) {
    (msz::BUNDLED_AUTHORIZATION, msz::BUNDLED_POK)
}

/// Validate a code table CSV; returns its number of rows.
#[pyfunction]
fn check_code_table(text: &str, origin: &str) -> PyResult<usize> {
    guarded(|| CodeTable::from_csv_str(text, origin).map(|t| t.rows.len()))
}

/// Tag names the code table may use.
#[pyfunction]
fn tag_names() -> Vec<&'static str> {
    tag::NAMES.iter().map(|t| t.0).collect()
}

/// The required input columns with the types the engine reads for each.
#[pyfunction]
fn required_columns() -> Vec<(&'static str, &'static str)> {
    aanspraak_core::input::schema::required().map(|c| (c.name, c.expected_when_absent)).collect()
}

/// The input schema (`aanspraak_core::input::schema::COLUMNS`): one dict per column with
/// name, kind, required, default (None for a required column), values (the accepted
/// spellings of an enum column), invalid_messages, expected (the Arrow types it accepts)
/// and description.
#[pyfunction]
fn input_schema(py: Python<'_>) -> PyResult<Vec<Bound<'_, pyo3::types::PyDict>>> {
    use pyo3::types::PyDict;
    aanspraak_core::input::schema::COLUMNS
        .iter()
        .map(|c| {
            let d = PyDict::new(py);
            d.set_item("name", c.name)?;
            d.set_item("kind", c.kind.as_str())?;
            d.set_item("required", c.required)?;
            d.set_item("default", (!c.required).then_some(c.default))?;
            d.set_item("values", c.values.to_vec())?;
            d.set_item("invalid_messages", c.invalid.iter().map(|i| i.message()).collect::<Vec<_>>())?;
            d.set_item("expected", c.expected)?;
            d.set_item("description", c.description)?;
            Ok(d)
        })
        .collect()
}

/// Output column names, in order.
#[pyfunction]
fn output_columns() -> Vec<&'static str> {
    aanspraak_core::output::COLUMNS.to_vec()
}

/// Returns the engine's cached large blocks to the operating system; the bytes released.
#[pyfunction]
fn release_memory() -> usize {
    aanspraak_core::alloc::release_cached()
}

/// Bytes of freed large blocks the engine keeps for reuse.
#[pyfunction]
fn cached_memory() -> usize {
    aanspraak_core::alloc::cached_bytes()
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", aanspraak_core::version())?;
    m.add("SchemaError", m.py().get_type::<SchemaError>())?;
    m.add("PolicyError", m.py().get_type::<PolicyError>())?;
    m.add("OpeningError", m.py().get_type::<OpeningError>())?;
    m.add_class::<PyPolicy>()?;
    m.add_class::<PyPrepared>()?;
    m.add_class::<BasicProduct>()?;
    m.add_class::<SupplementaryProduct>()?;
    m.add_class::<YearEigenRisico>()?;
    m.add_class::<StatutoryValue>()?;
    m.add_class::<ReasonInfo>()?;
    m.add_function(wrap_pyfunction!(reasons, m)?)?;
    m.add_function(wrap_pyfunction!(supplementary_reasons, m)?)?;
    m.add_function(wrap_pyfunction!(bundled_policies, m)?)?;
    m.add_function(wrap_pyfunction!(bundled_policy_toml, m)?)?;
    m.add_function(wrap_pyfunction!(statutory_toml, m)?)?;
    m.add_function(wrap_pyfunction!(bundled_code_table_csv, m)?)?;
    m.add_function(wrap_pyfunction!(check_code_table, m)?)?;
    m.add_function(wrap_pyfunction!(bundled_msz_lists, m)?)?;
    m.add_function(wrap_pyfunction!(tag_names, m)?)?;
    m.add_function(wrap_pyfunction!(output_columns, m)?)?;
    m.add_function(wrap_pyfunction!(required_columns, m)?)?;
    m.add_function(wrap_pyfunction!(input_schema, m)?)?;
    m.add_function(wrap_pyfunction!(release_memory, m)?)?;
    m.add_function(wrap_pyfunction!(cached_memory, m)?)?;
    Ok(())
}
