"""The model of prioritised screening as data: features, classifier, balancing, query size.

A :class:`ScreeningModel` is one typed configuration; :data:`MODELS` names the configurations the
benchmark (``benchmarks/bench_screening.py``) compares, and :data:`DEFAULT_MODEL` is the one that
``slr screen next`` and ``slr screen simulate`` use unless told otherwise (the README gives the
figures that chose it). Adding a configuration is one entry in :func:`_registry`.

* classifiers: ``svm`` (linear SVM, squared hinge), ``logistic`` (L2 logistic regression),
  ``nb`` (multinomial naive Bayes), and ``svm+nb`` / ``svm+logistic`` ensembles that average the
  members' rank-normalised scores; ``svm|nb`` averages with naive Bayes only while the average
  ranks the latest tenth of the labels better than the SVM alone (a held-out check per retrain);
* balancing (``balance_ratio``, ASReview's dynamic resampling as sample weights): each relevant
  record weighs ``balance_ratio`` times as much, in total, as all irrelevant records together;
  ``None`` weighs every record the same;
* query size: the model is retrained after every ``query_size`` records, or after
  ``query_growth`` x the records screened so far when that is larger (few retrains late, when a
  new label barely moves the model); ``query_max`` caps the batch, ``query_warmup`` retrains after
  every record until that share of the set is screened;
* cold start: before two classes exist, records are ranked by cosine similarity to the records
  included so far (input order when there are none).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from slr.errors import ConfigError
from slr.registry import Registry
from slr.search.screen.features import FeatureConfig

if TYPE_CHECKING:
    import numpy as np

Classifier = Literal["svm", "logistic", "nb", "svm+nb", "svm+logistic", "svm|nb"]


class ScreeningModel(BaseModel):
    """One configuration of prioritised screening."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str = ""
    features: FeatureConfig = FeatureConfig()
    classifier: Classifier = "svm"
    C: float = Field(default=0.11, gt=0, description="inverse regularisation of svm and logistic")
    nb_alpha: float = Field(default=3.822, gt=0)
    balance_ratio: float | None = Field(default=9.8, gt=0)
    query_size: int = Field(default=1, ge=1)
    query_growth: float = Field(default=0.0, ge=0, lt=1)
    query_warmup: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="retrain after every record until this share of the set is screened",
    )
    query_max: int | None = Field(
        default=None, ge=1, description="the largest batch between retrainings (None: no cap)"
    )
    retrain_on_include: bool = Field(
        default=False,
        description="end a batch early at an include: a new include moves the model most",
    )
    pseudo_negatives: int = Field(
        default=0,
        ge=0,
        description="while fewer excludes are known, random unscreened records fill up to this "
        "many as irrelevant (AutoTAR's pseudo-negatives, Cormack & Grossman 2015)",
    )
    cold_start: Literal["similarity", "input-order"] = Field(
        default="similarity", description="ranking while only includes are known"
    )

    def batch(self, n_screened: int, n_total: int = 0) -> int:
        """How many records to screen before the next retraining (``n_total``: the set's size)."""
        if n_screened < self.query_warmup * n_total:
            return 1
        grown = max(self.query_size, int(self.query_growth * n_screened))
        return grown if self.query_max is None else min(grown, max(self.query_max, 1))

    def sample_weight(self, y: np.ndarray) -> np.ndarray | None:
        if self.balance_ratio is None:
            return None
        import numpy as np

        n1, n0 = int(y.sum()), int((1 - y).sum())
        w = np.where(y == 1, 1.0, n1 / (self.balance_ratio * n0))
        return np.asarray(w * (len(y) / w.sum()))

    def scores(self, X_train: Any, y: np.ndarray, X_pool: Any, seed: int = 0) -> np.ndarray:
        """Relevance scores of the pool (higher: more likely relevant), trained on two classes."""
        X_train, y = self._with_pseudo_negatives(X_train, y, X_pool, seed)
        if "|" in self.classifier:
            return _gated_scores(self, X_train, y, X_pool, seed)
        members = self.classifier.split("+")
        if len(members) == 1:
            return _fit_score(members[0], self, X_train, y, X_pool, seed)
        import numpy as np
        from scipy.stats import rankdata

        ranks = [rankdata(_fit_score(m, self, X_train, y, X_pool, seed)) for m in members]
        return np.asarray(np.mean(ranks, axis=0) / len(ranks[0]))

    def _with_pseudo_negatives(
        self, X_train: Any, y: np.ndarray, X_pool: Any, seed: int
    ) -> tuple[Any, np.ndarray]:
        """Random unscreened records added as irrelevant while few excludes are known."""
        short = min(self.pseudo_negatives - int((y == 0).sum()), X_pool.shape[0])
        if short <= 0:
            return X_train, y
        import numpy as np
        from scipy import sparse

        rng = np.random.default_rng([seed, len(y)])
        pick = rng.choice(X_pool.shape[0], short, replace=False)
        X_fit = sparse.vstack([X_train, X_pool[pick]], format="csr")
        return X_fit, np.concatenate([y, np.zeros(short, dtype=y.dtype)])


def _fit_score(
    kind: str, model: ScreeningModel, X: Any, y: np.ndarray, X_pool: Any, seed: int
) -> np.ndarray:
    import numpy as np

    weight = model.sample_weight(y)
    if kind == "svm":
        from sklearn.svm import LinearSVC

        svm = LinearSVC(C=model.C, loss="squared_hinge", random_state=seed)
        svm.fit(X, y, sample_weight=weight)
        return np.asarray(svm.decision_function(X_pool))
    if kind == "logistic":
        from sklearn.linear_model import LogisticRegression

        lr = LogisticRegression(C=model.C, solver="liblinear", random_state=seed)
        lr.fit(X, y, sample_weight=weight)
        return np.asarray(lr.decision_function(X_pool))
    if kind == "nb":
        from sklearn.naive_bayes import MultinomialNB

        if not model.features.non_negative:
            raise ConfigError(
                f"model {model.name!r}: naive Bayes needs non-negative features; "
                "use TF-IDF blocks only, or svm / logistic with the encoder"
            )
        nb = MultinomialNB(alpha=model.nb_alpha)
        nb.fit(X, y, sample_weight=weight)
        log_p = nb.predict_log_proba(X_pool)
        return np.asarray(log_p[:, 1] - log_p[:, 0])
    raise ConfigError(f"unknown classifier {kind!r}")  # pragma: no cover - Literal checked


def _rank_mean(*scores: np.ndarray) -> np.ndarray:
    import numpy as np
    from scipy.stats import rankdata

    return np.asarray(np.mean([rankdata(s) for s in scores], axis=0) / len(scores[0]))


def _gated_scores(
    model: ScreeningModel, X: Any, y: np.ndarray, X_pool: Any, seed: int
) -> np.ndarray:
    """``a|b``: the rank average of ``a`` and ``b`` only where it ranked the latest labels better.

    The training rows come in the order they were screened; the latest tenth (at least 10) is held
    out, both ``a`` alone and the rank average are trained on the rest and scored on it (area
    under the ROC curve of its includes against its excludes). The ensemble is used when it wins
    that check, ``a`` alone otherwise (and whenever the held-out part lacks a class).
    """
    import numpy as np
    from sklearn.metrics import roc_auc_score

    first, second = model.classifier.split("|")
    k = max(10, len(y) // 10)
    fit, held = slice(0, len(y) - k), slice(len(y) - k, len(y))
    use_both = False
    if len(np.unique(y[fit])) == 2 and len(np.unique(y[held])) == 2:
        a = _fit_score(first, model, X[fit], y[fit], X[held], seed)
        b = _fit_score(second, model, X[fit], y[fit], X[held], seed)
        use_both = roc_auc_score(y[held], _rank_mean(a, b)) > roc_auc_score(y[held], a)
    a = _fit_score(first, model, X, y, X_pool, seed)
    if not use_both:
        return a
    return _rank_mean(a, _fit_score(second, model, X, y, X_pool, seed))


def cold_start_scores(X_included: Any, X_pool: Any) -> np.ndarray:
    """Cosine similarity of each pool record to the centroid of the included records."""
    import numpy as np

    centroid = np.asarray(X_included.mean(axis=0)).ravel()
    norm = np.linalg.norm(centroid)
    if norm == 0:
        return np.zeros(X_pool.shape[0])
    return np.asarray(X_pool @ (centroid / norm)).ravel()


def _registry() -> dict[str, ScreeningModel]:
    """The configurations the benchmark compares; each differs from ``svm-fast`` in one choice."""
    base = FeatureConfig(keywords=False)
    fast = ScreeningModel(
        name="svm-fast",
        description="as asreview-like, retrained after 1 record or 5 % of those screened",
        features=base,
        query_growth=0.05,
    )

    def variant(name: str, description: str, **changes: Any) -> ScreeningModel:
        """``svm-fast`` with one choice changed (validated like any configuration)."""
        return ScreeningModel.model_validate(
            {**fast.model_dump(), "name": name, "description": description, **changes}
        )

    entries = [
        ScreeningModel(
            name="asreview-like",
            description="ASReview 3's default (ELAS u4) rebuilt: TF-IDF 1-2-grams, linear SVM "
            "C 0.11, balance ratio 9.8, retrained after every record",
            features=base,
        ),
        fast,
        variant(
            "svm-fast2",
            "as svm-fast, retrained after 1 record or 2 % of those screened",
            query_growth=0.02,
        ),
        variant(
            "svm-cap10",
            "as svm-fast, at most 10 records between retrainings",
            query_max=10,
        ),
        variant(
            "svm-cap25",
            "as svm-fast, at most 25 records between retrainings",
            query_max=25,
        ),
        variant(
            "svm-warm20",
            "as svm-fast, retrained after every record until 20 % of the set is screened",
            query_warmup=0.2,
        ),
        variant(
            "svm-eager",
            "as svm-fast, a batch ends at each include found (retrained at once)",
            retrain_on_include=True,
        ),
        variant(
            "svm-eager2",
            "as svm-fast2, a batch ends at each include found (retrained at once)",
            query_growth=0.02,
            retrain_on_include=True,
        ),
        variant(
            "svm-pseudo",
            "as svm-fast, random unscreened records as irrelevant until 100 excludes are known",
            pseudo_negatives=100,
        ),
        variant(
            "svm-topdown",
            "as svm-fast, input order (ASReview's top-down) while no exclude is known",
            cold_start="input-order",
        ),
        ScreeningModel(
            name="svm-q10",
            description="as svm-fast, retrained after every 10 records",
            features=base,
            query_size=10,
        ),
        ScreeningModel(
            name="svm-keywords",
            description="as svm-fast, with the records' keywords added to the text",
            features=FeatureConfig(keywords=True),
            query_growth=0.05,
        ),
        ScreeningModel(
            name="svm-title",
            description="as svm-fast, the title counted twice in the text",
            features=FeatureConfig(keywords=False, title_repeat=2),
            query_growth=0.05,
        ),
        ScreeningModel(
            name="svm-mindf2",
            description="as svm-fast, terms in only one record dropped (min_df 2)",
            features=FeatureConfig(keywords=False, min_df=2),
            query_growth=0.05,
        ),
        ScreeningModel(
            name="svm-rawtf",
            description="as svm-fast, raw term counts instead of sublinear tf (1 + log tf)",
            features=FeatureConfig(keywords=False, sublinear_tf=False),
            query_growth=0.05,
        ),
        ScreeningModel(
            name="svm-stopwords",
            description="as svm-fast, English stop words dropped",
            features=FeatureConfig(keywords=False, stop_words=True),
            query_growth=0.05,
        ),
        ScreeningModel(
            name="svm-char",
            description="as svm-fast, plus TF-IDF of character 3-5-grams",
            features=FeatureConfig(keywords=False, blocks=("tfidf", "char")),
            query_growth=0.05,
        ),
        variant(
            "svm-unbalanced",
            "as svm-fast, without class balancing",
            balance_ratio=None,
        ),
        variant(
            "logistic",
            "as svm-fast with logistic regression (C 1, balance ratio 1)",
            classifier="logistic",
            C=1.0,
            balance_ratio=1.0,
        ),
        ScreeningModel(
            name="nb",
            description="ASReview's ELAS u3: naive Bayes alpha 3.822, stop words dropped, "
            "balance ratio 1.2; adaptive query size",
            features=FeatureConfig(keywords=False, stop_words=True),
            classifier="nb",
            balance_ratio=1.2,
            query_growth=0.05,
        ),
        variant(
            "svm+nb",
            "as svm-fast, ranks averaged with naive Bayes (alpha 3.822) on the same features",
            classifier="svm+nb",
        ),
        variant(
            "svm|nb",
            "as svm-fast, ranks averaged with naive Bayes only while that ranks the latest "
            "tenth of the labels better than the SVM alone",
            classifier="svm|nb",
        ),
        variant(
            "svm+logistic",
            "as svm-fast, ranks averaged with logistic regression",
            classifier="svm+logistic",
        ),
        ScreeningModel(
            name="svm-encoder",
            description="as svm-fast, plus all-MiniLM-L6-v2 sentence embeddings (ML extra)",
            features=FeatureConfig(keywords=False, blocks=("tfidf", "encoder")),
            query_growth=0.05,
        ),
    ]
    return {m.name: m for m in entries}


MODELS: Registry[ScreeningModel] = Registry(
    "screening model", key=str.casefold, describe=lambda m: m.description
)
for _model in _registry().values():
    MODELS.add(_model.name, _model)
DEFAULT_MODEL = "svm-fast"


def screening_model(name: str | ScreeningModel | None = None) -> ScreeningModel:
    """A registered configuration by name (the default when None); an unknown name is a
    ConfigError with the closest names (``slr.registry``)."""
    if isinstance(name, ScreeningModel):
        return name
    return MODELS.get(DEFAULT_MODEL if name is None else name)
