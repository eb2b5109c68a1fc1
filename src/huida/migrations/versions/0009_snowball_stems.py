"""conversation search: English words stemmed by Snowball (Porter2), so the stored search terms are rebuilt

Huida 0.1's hand-written stemmer gave other stems for some words (policies -> policy, now polici;
transferred -> transferr, now transfer): messages indexed before this revision would not be found by those
words. No schema change.

Revision ID: 0009_snowball_stems
Revises: 0008_merge
"""

from __future__ import annotations

from alembic import op

revision = "0009_snowball_stems"
down_revision = "0008_merge"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every message's terms again (about 3,000 messages a second); `huida reindex` does the same by hand.
    from huida.reading.indexing import reindex

    reindex(op.get_bind())


def downgrade() -> None:
    pass  # the older stems cannot be computed here any more; run `huida reindex` after downgrading the code
