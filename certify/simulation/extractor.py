"""An explicit two-source extractor: the inner product over GF(2^m) (Chor-Goldreich).

**This is not the paper's extractor.** Protocol I (Fig. 1) uses the
two-source extractor of Lemma 5 (i), whose existence is only shown by the
probabilistic method (non-explicit), and Protocol II (Fig. 3) uses Rao's
explicit three-source extractor of Lemma 5 (ii). The simulator instead uses
the classical inner-product extractor, which is explicit, exact and fast,
with a proven but weaker guarantee (both sources need min-entropy rate
above about 1/2 together):

    Ext(x, y) = sum_{j=1}^{l} x_j * y_j   in GF(2^m),

x, y in GF(2^m)^l, so n = l*m input bits per source and m output bits.

Error bound (proved here, tested exhaustively on small inputs). For any
non-zero linear functional c on GF(2^m) (viewed as GF(2)^m), the bit
c(Ext(x, y)) is the bilinear form x^T M_c y over GF(2) with M_c invertible
(the trace form of a field is non-degenerate), so the +-1 matrix
(-1)^{c(Ext(x,y))} is a Hadamard matrix up to a permutation of columns and
Lindsey's lemma gives, for independent X, Y with collision probabilities
cp(X) = sum_x P(x)^2, cp(Y):

    |E (-1)^{c(Ext(X,Y))}| <= sqrt(2^n cp(X) cp(Y)).

Vazirani's XOR lemma then bounds the statistical (total variation)
distance of Ext(X, Y) from uniform on m bits:

    TV = (1/2) sum_z |P(z) - 2^-m| <= (1/2) sqrt((2^m - 1) 2^n cp(X) cp(Y)),

and, since cp <= 2^{-H_min}, for min-entropies k1, k2:

    TV <= 2^{(n + m - k1 - k2)/2 - 1}.

``tests/test_extractor.py`` checks the bound in exact rationals (squared,
so no roots are needed), exhaustively over flat sources on small fields.

In the simulator the extractor is applied block by block: blocks of l = 32
bytes (256 bits) of each source give one output byte (GF(2^8), modulus
x^8 + x^4 + x^3 + x + 1). The bound above holds per block for the block's
min-entropies; the simulator makes no security claim for the whole output
string (that is what the paper's extractors and proofs are for).

>>> field = BinaryField(8)
>>> field.multiply(0x57, 0x83)
193
>>> BlockExtractor(2).extract(np.array([1, 2, 3, 4], dtype=np.uint8), np.ones(4, dtype=np.uint8)).tolist()
[3, 7]
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

__all__ = ["BinaryField", "IRREDUCIBLE_POLYNOMIALS", "BlockExtractor", "DEFAULT_BLOCK_BYTES"]

IRREDUCIBLE_POLYNOMIALS = {1: 0b11, 2: 0b111, 3: 0b1011, 4: 0b10011, 5: 0b100101,
                           6: 0b1000011, 7: 0b10000011, 8: 0b100011011}
"""A fixed irreducible polynomial of each degree m <= 8 (bit k = coefficient of x^k)."""

DEFAULT_BLOCK_BYTES = 32


class BinaryField:
    """GF(2^m) for 1 <= m <= 8, elements as integers 0 .. 2^m - 1 (polynomial basis).

    >>> BinaryField(2).multiply(2, 2)  # x * x = x + 1 modulo x^2 + x + 1
    3
    """

    def __init__(self, degree: int, modulus: int | None = None) -> None:
        if degree not in IRREDUCIBLE_POLYNOMIALS:
            raise ValueError(f"field degree must be 1..8, got {degree!r}")
        self.degree = degree
        self.modulus = IRREDUCIBLE_POLYNOMIALS[degree] if modulus is None else modulus
        if self.modulus >> degree != 1:
            raise ValueError(f"modulus {self.modulus:#b} does not have degree {degree}")
        size = 1 << degree
        self.table = np.array([[self._slow_multiply(a, b) for b in range(size)]
                               for a in range(size)], dtype=np.uint8)

    def _slow_multiply(self, a: int, b: int) -> int:
        product = 0
        while b:
            if b & 1:
                product ^= a
            b >>= 1
            a <<= 1
            if a >> self.degree:
                a ^= self.modulus
        return product

    def multiply(self, a: int, b: int) -> int:
        return int(self.table[a, b])

    @property
    def size(self) -> int:
        return 1 << self.degree


@lru_cache(maxsize=None)
def _field(degree: int) -> BinaryField:
    return BinaryField(degree)


class BlockExtractor:
    """Vectorised block-wise inner product over GF(2^8)."""

    def __init__(self, block_bytes: int = DEFAULT_BLOCK_BYTES) -> None:
        if not isinstance(block_bytes, int) or block_bytes < 1:
            raise ValueError(f"block size must be a positive number of bytes, got {block_bytes!r}")
        self.block_bytes = block_bytes
        self.flat_table = _field(8).table.reshape(-1)

    def extract(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Output bytes for whole blocks of ``x`` and ``y`` (uint8 arrays of equal length)."""
        if x.shape != y.shape:
            raise ValueError(f"sources must have equal length, got {x.shape} and {y.shape}")
        blocks = x.size // self.block_bytes
        usable = blocks * self.block_bytes
        index = (x[:usable].astype(np.uint16) << 8) | y[:usable]
        products = self.flat_table[index].reshape(blocks, self.block_bytes)
        if self.block_bytes % 8:
            return np.bitwise_xor.reduce(products, axis=1).astype(np.uint8)
        # XOR of the block's bytes: XOR its 64-bit words, then fold the 8 bytes of the result.
        words = np.bitwise_xor.reduce(products.view(np.uint64), axis=1)
        for shift in (32, 16, 8):
            words ^= words >> np.uint64(shift)
        return (words & np.uint64(0xFF)).astype(np.uint8)

    def describe(self) -> dict:
        bits = 8 * self.block_bytes
        return {
            "name": "block-wise inner product over GF(2^8) (Chor-Goldreich), explicit",
            "field_modulus": "x^8 + x^4 + x^3 + x + 1",
            "block_bits_per_source": bits,
            "output_bits_per_block": 8,
            "error_bound_per_block": (f"TV <= 2^(({bits} + 8 - k1 - k2)/2 - 1) for block "
                                      "min-entropies k1 (device outputs), k2 (second source)"),
            "paper_extractor_differs": ("the paper uses Lemma 5 (i) (non-explicit two-source "
                                        "extractor) for Protocol I and Rao's three-source "
                                        "extractor (Lemma 5 (ii)) for Protocol II"),
        }
