"""Fixtures: a fresh vault per test, sealed by a random raw root key.

The package under test is python/cvault; the library is the one
CVAULT_LIBRARY names, else the system's library search finds (ctest installs
the freshly built libcvault.so and puts the install on LD_LIBRARY_PATH).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterator

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cvault  # noqa: E402

ACCOUNT = cvault.Context("signup-svc", "account-service", "account_management", "test")
SUPPORT = cvault.Context("agent-7", "support-agent", "support", "test")
MARKETING = cvault.Context("mail-svc", "marketing-service", "marketing", "test")
REFUNDS = cvault.Context("refund-svc", "refund-service", "refund_processing", "test")
PAYER = cvault.Context("refund-payer", "refund-service", "refund_processing", "test")
DPO = cvault.Context("dpo-1", "dpo", "dsr", "test")
LEGAL = cvault.Context("dpo-1", "dpo", "legal_compliance", "test")
AUDITOR = cvault.Context("audit-1", "auditor", "audit", "test")


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[cvault.Vault]:
    with cvault.Vault.create(tmp_path / "vault", tmp_path / "keys",
                             raw_key=os.urandom(32)) as opened:
        opened.register_notice(LEGAL, "privacy", "3", "We email offers if you agree.")
        yield opened


@pytest.fixture
def ada(vault: cvault.Vault) -> str:
    return vault.add_customer(ACCOUNT, full_name="Ada Lovelace",
                              email="ada.lovelace@example.com", phone="+442071838750",
                              country="GB")
