"""The inner-product extractor against its error bound, by exhaustive enumeration."""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations, product
from typing import Sequence

import numpy as np
import pytest

from certify.simulation.extractor import DEFAULT_BLOCK_BYTES, BinaryField, BlockExtractor

# Reference implementations and the exact bound of the module docstring, used only here.


def inner_product(x: Sequence[int], y: Sequence[int], field: BinaryField) -> int:
    """sum_j x_j y_j in ``field`` (the extractor on one block)."""
    if len(x) != len(y):
        raise ValueError(f"sources must have equal length, got {len(x)} and {len(y)}")
    result = 0
    for a, b in zip(x, y):
        result ^= int(field.table[a, b])
    return result


def extract_blocks(x: bytes | np.ndarray, y: bytes | np.ndarray,
                   block_bytes: int = DEFAULT_BLOCK_BYTES) -> bytes:
    """Block-wise GF(2^8) inner product: one output byte per block of ``block_bytes`` bytes.

    A trailing partial block is dropped. Vectorised (numpy).
    """
    x_array = np.frombuffer(bytes(x), dtype=np.uint8) if not isinstance(x, np.ndarray) else x
    y_array = np.frombuffer(bytes(y), dtype=np.uint8) if not isinstance(y, np.ndarray) else y
    return BlockExtractor(block_bytes).extract(x_array, y_array).tobytes()


def statistical_distance(distribution: Sequence[Fraction]) -> Fraction:
    """Exact TV distance (1/2) sum |P(z) - 1/|Z|| of a distribution from uniform."""
    size = len(distribution)
    return sum((abs(Fraction(p) - Fraction(1, size)) for p in distribution), Fraction(0)) / 2


def collision_probability(distribution: Sequence[Fraction]) -> Fraction:
    return sum((Fraction(p) ** 2 for p in distribution), Fraction(0))


def squared_distance_bound_holds(distance: Fraction, input_bits: int, output_bits: int,
                                 collision_x: Fraction, collision_y: Fraction) -> bool:
    """Exact check of (2 TV)^2 <= (2^m - 1) 2^n cp(X) cp(Y) (the bound in the module docstring)."""
    return (2 * distance) ** 2 <= ((1 << output_bits) - 1) * (1 << input_bits) * collision_x * collision_y


def _output_table(field: BinaryField, elements: int) -> np.ndarray:
    """Ext(x, y) for all x, y in GF(2^m)^elements, as a (2^n, 2^n) matrix of field elements."""
    vectors = list(product(range(field.size), repeat=elements))
    return np.array([[inner_product(x, y, field) for y in vectors] for x in vectors], dtype=np.int64)


def _subset_indicators(universe: int, size: int) -> np.ndarray:
    rows = []
    for subset in combinations(range(universe), size):
        row = np.zeros(universe, dtype=np.float64)
        row[list(subset)] = 1
        rows.append(row)
    return np.array(rows)


@pytest.mark.slow
@pytest.mark.parametrize("degree, elements, size_x, size_y", [
    (1, 4, 4, 4),   # GF(2)^4: every pair of flat sources with 4 elements each (1820^2 pairs)
    (1, 4, 3, 6),   # uneven, non-power-of-two sizes
    (2, 2, 4, 4),   # GF(4)^2, two output bits
    (2, 2, 3, 5),
])
def test_flat_sources_exhaustively(degree, elements, size_x, size_y):
    """(2 TV)^2 <= (2^m - 1) 2^n / (|S||T|) for every pair of flat sources of the given sizes."""
    field = BinaryField(degree)
    table = _output_table(field, elements)
    universe = table.shape[0]
    n_bits = degree * elements
    left = _subset_indicators(universe, size_x)
    right = _subset_indicators(universe, size_y)
    pair_mass = size_x * size_y
    deviation = np.zeros((left.shape[0], right.shape[0]), dtype=np.int64)
    for z in range(field.size):
        # float64 products of 0/1 matrices with at most 16*16 terms are exact integers
        counts = (left @ (table == z).astype(np.float64) @ right.T).astype(np.int64)
        deviation += np.abs(field.size * counts - pair_mass)
    # 2 TV = sum_z |N_z/(st) - 2^-m| = deviation / (2^m s t); bound (2TV)^2 <= (2^m-1) 2^n/(s t)
    limit = (field.size - 1) * (1 << n_bits) * field.size ** 2 * pair_mass
    worst = int((deviation ** 2).max())
    assert worst <= limit
    # The bound is not vacuous on these sizes for every pair: some pair is non-uniform.
    assert worst > 0


def test_random_non_flat_sources_exact():
    """General distributions: (2 TV)^2 <= (2^m - 1) 2^n cp(X) cp(Y), exact rationals."""
    field = BinaryField(3)
    table = _output_table(field, 2)
    rng = np.random.default_rng(5)
    for _ in range(20):
        weights_x = rng.integers(0, 6, size=64)
        weights_y = rng.integers(0, 6, size=64)
        weights_x[0] += 1
        weights_y[0] += 1
        px = [Fraction(int(w), int(weights_x.sum())) for w in weights_x]
        py = [Fraction(int(w), int(weights_y.sum())) for w in weights_y]
        output = [Fraction(0)] * field.size
        for i, p in enumerate(px):
            if p:
                for j, q in enumerate(py):
                    if q:
                        output[table[i, j]] += p * q
        assert sum(output) == 1
        assert squared_distance_bound_holds(statistical_distance(output), 6, 3,
                                            collision_probability(px), collision_probability(py))


def test_bound_check_can_fail_for_a_broken_extractor():
    """Ext'(x, y) = x_1 y_1 ignores the second coordinate: sources fixing x_1 = 0 make it constant."""
    field = BinaryField(2)
    vectors = list(product(range(4), repeat=2))
    px = [Fraction(1, 4) if v[0] == 0 else Fraction(0) for v in vectors]  # 2 bits of min-entropy
    py = [Fraction(1, 16)] * 16                                            # 4 bits
    output = [Fraction(0)] * 4
    for i, x in enumerate(vectors):
        for j, y in enumerate(vectors):
            output[field.multiply(x[0], y[0])] += px[i] * py[j]
    assert output[0] == 1
    assert not squared_distance_bound_holds(statistical_distance(output), 4, 2,
                                            collision_probability(px), collision_probability(py))
    # The real extractor on the same sources meets the bound.
    real = [Fraction(0)] * 4
    for i, x in enumerate(vectors):
        for j, y in enumerate(vectors):
            real[inner_product(x, y, field)] += px[i] * py[j]
    assert squared_distance_bound_holds(statistical_distance(real), 4, 2,
                                        collision_probability(px), collision_probability(py))


def test_field_axioms_gf256():
    field = BinaryField(8)
    table = field.table.astype(np.int64)
    # every non-zero element has an inverse, multiplication is commutative
    assert all((table[a] == 1).sum() == 1 for a in range(1, 256))
    assert (table == table.T).all()
    with pytest.raises(ValueError):
        BinaryField(9)


def test_vectorised_block_extractor_matches_reference():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 256, size=32 * 5 + 7, dtype=np.uint8)
    y = rng.integers(0, 256, size=32 * 5 + 7, dtype=np.uint8)
    out = BlockExtractor(32).extract(x, y)
    field = BinaryField(8)
    expected = [inner_product(x[k * 32:(k + 1) * 32], y[k * 32:(k + 1) * 32], field) for k in range(5)]
    assert out.tolist() == expected
    assert extract_blocks(x.tobytes(), y.tobytes(), 32) == bytes(expected)
