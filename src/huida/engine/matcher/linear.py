"""L2-regularised logistic regression in numpy (Newton's method): the fusion's models have a few dozen
features, where this converges in a handful of steps and spares a small robot importing scikit-learn
(seconds of start-up on the first question)."""

from __future__ import annotations

import numpy as np


def logistic(
    x: np.ndarray, y: np.ndarray, c: float = 1.0, intercept: bool = True, max_iter: int = 50
) -> tuple[np.ndarray, float]:
    """Minimises C * sum(log loss) + |w|^2 / 2 (scikit-learn's convention); returns (coef, intercept)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if intercept:
        x = np.column_stack([x, np.ones(len(x))])
    d = x.shape[1]
    reg = np.full(d, 1.0 / c)
    if intercept:
        reg[-1] = 1e-8  # the intercept is not penalised
    w = np.zeros(d)
    loss = _loss(x, y, w, reg)
    for _ in range(max_iter):
        z = x @ w
        p = _sigmoid(z)
        grad = x.T @ (p - y) + reg * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while t > 1e-4:  # backtracking keeps Newton stable on separable data
            new = w - t * step
            new_loss = _loss(x, y, new, reg)
            if new_loss <= loss + 1e-12:
                break
            t *= 0.5
        converged = abs(loss - new_loss) < 1e-9 * max(1.0, abs(loss))
        w, loss = new, new_loss
        if converged or float(np.abs(t * step).max()) < 1e-8:
            break
    return (w[:-1].copy(), float(w[-1])) if intercept else (w, 0.0)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    out: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
    return out


def _loss(x: np.ndarray, y: np.ndarray, w: np.ndarray, reg: np.ndarray) -> float:
    z = x @ w
    # log(1 + exp(-z)) for y = 1 and log(1 + exp(z)) for y = 0, computed stably
    return float(np.sum(np.logaddexp(0.0, np.where(y > 0.5, -z, z))) + 0.5 * np.sum(reg * w * w))
