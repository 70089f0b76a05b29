import type { Catalogue, Effect } from './types';

// Scientific and media libraries whose heavy work runs in native code that releases the GIL:
// numpy, pandas, scipy, Pillow, OpenCV, torch, scikit-learn (and a few peers). Their loaders and
// savers do file I/O; their configuration calls are cheap.

const names = (effect: Effect, list: string): Record<string, Effect> =>
  Object.fromEntries(list.trim().split(/\s+/).map((name) => [name, effect]));

const prefixed = (module: string, effect: Effect, list: string): Record<string, Effect> =>
  Object.fromEntries(list.trim().split(/\s+/).map((name) => [`${module}.${name}`, effect]));

export const native: Catalogue = {
  calls: {
    'numpy.': 'native',
    ...prefixed('numpy', 'file', 'load save savez savez_compressed loadtxt savetxt genfromtxt fromfile memmap'),
    ...prefixed('numpy', 'neutral', `dtype iinfo finfo seterr geterr errstate set_printoptions get_printoptions
      printoptions isscalar ndim shape issubdtype result_type`),
    ...prefixed('numpy.random', 'neutral', 'seed default_rng RandomState Generator get_state set_state'),
    'pandas.': 'native',
    ...prefixed('pandas', 'file', `read_csv read_table read_json read_parquet read_excel read_sql read_sql_query
      read_sql_table read_html read_pickle read_feather read_hdf read_orc read_xml read_fwf read_stata read_sas
      read_spss read_clipboard HDFStore ExcelWriter ExcelFile`),
    ...prefixed('pandas', 'neutral', 'set_option get_option option_context isna isnull notna notnull Timestamp Timedelta'),
    'scipy.': 'native',
    ...prefixed('scipy.io', 'file', 'loadmat savemat mmread mmwrite wavfile.read wavfile.write'),
    'PIL.': 'native',
    ...prefixed('PIL.Image', 'fs', 'open'),
    'cv2.': 'native',
    ...prefixed('cv2', 'file', 'imread imwrite imreadmulti VideoCapture VideoWriter'),
    ...prefixed('cv2', 'io', 'imshow waitKey'),
    ...prefixed('cv2', 'neutral', 'setNumThreads getNumThreads useOptimized setUseOptimized destroyAllWindows namedWindow'),
    'torch.': 'native',
    ...prefixed('torch', 'file', 'load save'),
    'torch.hub.load': 'io',
    ...prefixed('torch', 'neutral', `manual_seed no_grad enable_grad inference_mode set_grad_enabled device
      set_num_threads get_num_threads is_tensor cuda.is_available cuda.device_count set_default_dtype`),
    'torch.cuda.synchronize': 'wait',
    'torch.utils.data.': 'neutral',
    'sklearn.': 'native',
    ...prefixed('sklearn', 'neutral', 'config_context get_config set_config show_versions'),
    'sklearn.datasets.': 'fs',
    // Copies an estimator's parameters into a new, unfitted one: cheap whatever the data.
    'sklearn.base.clone': 'neutral',
    ...names('neutral', 'sklearn.utils.check_random_state sklearn.utils.validation.check_random_state'),
    // Input validation converts and checks the arrays it is given with numpy (asarray, astype,
    // isfinite); the checks of parameters, tags and lengths are bookkeeping of a fixed size.
    ...names('native', `sklearn.utils.validation.check_array sklearn.utils.validation.check_X_y
      sklearn.utils.validation.as_float_array sklearn.utils.validation.column_or_1d
      sklearn.utils.validation._check_sample_weight sklearn.utils._safe_indexing
      sklearn.utils.metaestimators._safe_split sklearn.base.BaseEstimator._validate_data`),
    ...names('neutral', `sklearn.utils.validation.check_consistent_length sklearn.utils.validation._num_samples
      sklearn.utils.validation.check_is_fitted sklearn.utils._param_validation.validate_parameter_constraints
      sklearn.utils._param_validation.make_constraint sklearn.utils._tags._safe_tags
      sklearn.base.BaseEstimator._get_tags sklearn.base.BaseEstimator._more_tags
      sklearn.base.BaseEstimator._validate_params sklearn.base.BaseEstimator.get_params`),
    ...prefixed('joblib', 'file', 'load dump'),
    'tensorflow.': 'native',
    'numba.': 'native',
    'cupy.': 'native',
    'polars.': 'native',
    ...prefixed('polars', 'file', 'read_csv read_parquet read_json scan_csv scan_parquet'),
    'pyarrow.': 'native',
    ...prefixed('pyarrow.parquet', 'file', 'read_table write_table ParquetFile'),
    'lxml.etree.parse': 'file',
    'lxml.etree.': 'native',
    // Fast JSON and msgpack codecs are C, but they hold the GIL while they work.
    ...names('cpu', 'ujson.loads ujson.dumps orjson.loads orjson.dumps simplejson.loads simplejson.dumps msgpack.packb msgpack.unpackb'),
    ...names('file', 'ujson.load ujson.dump simplejson.load simplejson.dump msgpack.pack msgpack.unpack'),
    'ujson.': 'neutral',
    'orjson.': 'neutral',
    'msgpack.': 'neutral',
  },
  returns: {
    'PIL.Image.open': 'PIL.Image.Image',
    'PIL.Image.new': 'PIL.Image.Image',
    'PIL.Image.fromarray': 'PIL.Image.Image',
    'PIL.Image.Image.convert': 'PIL.Image.Image',
    'PIL.Image.Image.resize': 'PIL.Image.Image',
    'PIL.Image.Image.crop': 'PIL.Image.Image',
    'PIL.Image.Image.rotate': 'PIL.Image.Image',
    'PIL.Image.Image.filter': 'PIL.Image.Image',
    'PIL.Image.Image.copy': 'PIL.Image.Image',
    'pandas.DataFrame': 'pandas.DataFrame',
    'pandas.read_csv': 'pandas.DataFrame',
    'pandas.read_table': 'pandas.DataFrame',
    'pandas.read_json': 'pandas.DataFrame',
    'pandas.read_parquet': 'pandas.DataFrame',
    'pandas.read_excel': 'pandas.DataFrame',
    'pandas.read_sql': 'pandas.DataFrame',
    'pandas.read_pickle': 'pandas.DataFrame',
    'pandas.concat': 'pandas.DataFrame',
    'pandas.merge': 'pandas.DataFrame',
    'pandas.Series': 'pandas.DataFrame',
    'cv2.VideoCapture': 'cv2.VideoCapture',
    'cv2.VideoWriter': 'cv2.VideoWriter',
    // The estimator API: `clone(est)` is an estimator; `set_params` and `fit` return it.
    'sklearn.base.clone': 'sklearn.base.BaseEstimator',
    'sklearn.base.BaseEstimator.set_params': 'sklearn.base.BaseEstimator',
    'sklearn.base.BaseEstimator.fit': 'sklearn.base.BaseEstimator',
    'sklearn.base.BaseEstimator.partial_fit': 'sklearn.base.BaseEstimator',
    // `check_random_state(seed)` hands back a numpy generator.
    'sklearn.utils.check_random_state': 'numpy.random.RandomState',
    'sklearn.utils.validation.check_random_state': 'numpy.random.RandomState',
    'numpy.random.RandomState': 'numpy.random.RandomState',
    'numpy.random.default_rng': 'numpy.random.RandomState',
  },
  methods: {
    'PIL.Image.Image': {
      ...names('file', 'save load'),
      show: 'io',
      ...names('neutral', 'close getpixel putpixel getbands getbbox info __enter__ __exit__'),
      '*': 'native',
    },
    'pandas.DataFrame': {
      ...names('file', 'to_csv to_json to_parquet to_excel to_sql to_pickle to_hdf to_feather to_html to_xml to_stata to_clipboard'),
      // apply / map / iterrows run Python per row or item: the work is the function's.
      ...names('cpu', 'apply applymap map iterrows itertuples'),
      '*': 'native',
    },
    'cv2.VideoCapture': { ...names('file', 'read grab retrieve open'), '*': 'neutral' },
    // numpy's generators draw their samples in C.
    'numpy.random.RandomState': { ...names('neutral', 'seed get_state set_state bit_generator'), '*': 'native' },
    // Any estimator (what `clone` returns): fitting and predicting are the library's numerical
    // work on arrays; parameters and tags are bookkeeping. Other methods stay unknown.
    'sklearn.base.BaseEstimator': {
      ...names('native', `fit partial_fit predict predict_proba predict_log_proba decision_function transform
        fit_transform fit_predict inverse_transform score score_samples kneighbors radius_neighbors staged_predict
        staged_predict_proba staged_decision_function apply`),
      ...names('neutral', 'get_params set_params _get_tags _more_tags get_feature_names_out _validate_params'),
    },
    'cv2.VideoWriter': { write: 'file', '*': 'neutral' },
  },
};

/**
 * scipy's iterative solvers and eigensolvers (`lsqr`, `cg`, `eigsh`, `svds`, ...) run a loop (in
 * Python, or ARPACK's reverse communication) that applies the operator they are given on every
 * step: on an array or a sparse matrix that is native work, on a `LinearOperator` it is whatever
 * its `matvec` does, which may be a Python function. The `scipy.` prefix's `native` does not hold
 * for them: the work depends on that argument. The operator is their first argument (`A`).
 */
const OPERATOR_SOLVERS = new Set(
  `lsqr lsmr cg cgs bicg bicgstab gmres lgmres minres qmr gcrotmk tfqmr eigs eigsh svds lobpcg
    expm_multiply onenormest`.trim().split(/\s+/),
);

/** The index of the operator argument of a solver whose work depends on it (see OPERATOR_SOLVERS). */
export function operatorArgument(name: string): number | null {
  if (!name.startsWith('scipy.sparse.linalg.')) return null;
  return OPERATOR_SOLVERS.has(name.slice(name.lastIndexOf('.') + 1)) ? 0 : null;
}

/** Constructors of operators that run the Python functions they are given (`matvec=f`). */
export const OPERATOR_CLASSES = new Set(['scipy.sparse.linalg.LinearOperator', 'scipy.sparse.linalg.aslinearoperator']);
