"""real CHECK constraints for enums and ranges; an index on every foreign key

Revision ID: 0007_checks_and_indexes
Revises: 0006_account_time_zone
Create Date: 2026-12-01 02:30:00.000000

Rows that break a new rule are repaired first, so the upgrade does not stop on
a real database. None of them can come from the app; only hand-written SQL or
an old bug could have stored them. The repair keeps every row and chooses the
value that hides or loses least:

* an unknown role becomes ``learner`` (no one gains rights);
* an item of an unknown status becomes ``draft`` (learners stop seeing it); an
  item of an unknown type is retired (never drawn again) and typed ``qa``; an
  unknown origin becomes ``web`` (a bank load leaves the item alone);
* item versions below 1 are renumbered, per item, to start at 1, keeping their
  order and the item's link to its current version;
* an unknown quiz mode becomes ``all``, an unknown feedback timing ``end``; a
  length below 1 becomes the number of questions asked (at least 1); scores are
  clamped to 0..length (attempts) and 0..1 (answers);
* card and review fields are clamped as fsrs clamps them (state 1-3, step from
  0, stability at least 0.001, difficulty 1-10); a card version below 1 becomes
  1 (a study page showing the old version then simply reloads); a negative
  review duration becomes unknown (NULL);
* study settings are clamped to what the settings form offers (retention
  0.70-0.97, 0 to 9999 new cards a day).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007_checks_and_indexes'
down_revision = '0006_account_time_zone'
branch_labels = None
depends_on = None

# Written out rather than imported, so this migration never changes with the app.
ITEM_TYPES = ('qa', 'cloze', 'single', 'multiple', 'truefalse', 'fillin', 'numeric')


def _among(values):
    return ', '.join(f"'{value}'" for value in values)


def _fsrs_card(suffix=''):
    return [
        (f'state{suffix}', f'state{suffix} BETWEEN 1 AND 3'),
        (f'step{suffix}', f'step{suffix} >= 0'),
        (f'stability{suffix}', f'stability{suffix} > 0'),
        (f'difficulty{suffix}', f'difficulty{suffix} BETWEEN 1 AND 10'),
    ]


# table -> [(constraint name after the table's, condition)]
CHECKS = {
    'user_account': [('role', f"role IN ({_among(('learner', 'instructor'))})")],
    'item': [
        ('version', 'version >= 1'),
        ('origin', f"origin IN ({_among(('bank', 'web'))})"),
        ('type', f'type IN ({_among(ITEM_TYPES)})'),
        ('status', f"status IN ({_among(('draft', 'published', 'retired'))})"),
    ],
    'item_version': [('version', 'version >= 1')],
    'attempt': [
        ('length', 'length >= 1'),
        ('score', 'score BETWEEN 0 AND length'),
        ('mode', f"mode IN ({_among(('all', 'new', 'wrong', 'weakest'))})"),
        ('feedback', f"feedback IN ({_among(('each', 'end'))})"),
    ],
    'response': [('score', 'score BETWEEN 0 AND 1')],
    # card_state.state and review_log.rating were checked from the start (0004).
    'card_state': [check for check in _fsrs_card() if check[0] != 'state']
    + [('version', 'version >= 1')],
    'review_log': _fsrs_card('_before') + [('duration_ms', 'duration_ms >= 0')],
    'study_settings': [
        ('desired_retention', 'desired_retention BETWEEN 0.7 AND 0.97'),
        ('new_per_day', 'new_per_day BETWEEN 0 AND 9999'),
    ],
}

# Foreign keys that no index started with: deleting the row they point to (a
# deck, a topic, an item, an account) scanned the whole referring table.
INDEXES = {
    'fact': ['topic_id', 'source_id'],
    'item': ['source_id', 'updated_by_id'],
    'item_version': ['created_by_id'],
    'attempt': ['deck_id'],
    'attempt_question': ['item_version_id', 'topic_id'],
    'flag': ['item_version_id', 'resolved_by_id'],
    'card_state': ['item_id'],
    'review_log': ['item_id'],
}

REPAIRS = [
    "UPDATE user_account SET role = 'learner' WHERE role NOT IN ('learner', 'instructor')",
    "UPDATE item SET status = 'draft' WHERE status NOT IN ('draft', 'published', 'retired')",
    f"UPDATE item SET type = 'qa', status = 'retired' WHERE type NOT IN ({_among(ITEM_TYPES)})",
    "UPDATE item SET origin = 'web' WHERE origin NOT IN ('bank', 'web')",
    "UPDATE attempt SET mode = 'all' WHERE mode NOT IN ('all', 'new', 'wrong', 'weakest')",
    "UPDATE attempt SET feedback = 'end' WHERE feedback NOT IN ('each', 'end')",
    "UPDATE attempt SET length = (SELECT CASE WHEN count(*) > 0 THEN count(*) ELSE 1 END "
    "FROM attempt_question WHERE attempt_question.attempt_id = attempt.id) WHERE length < 1",
    "UPDATE attempt SET score = CASE WHEN score < 0 THEN 0 ELSE length END "
    "WHERE score < 0 OR score > length",
    "UPDATE response SET score = CASE WHEN score < 0 THEN 0 ELSE 1 END "
    "WHERE score < 0 OR score > 1",
    "UPDATE card_state SET version = 1 WHERE version < 1",
    "UPDATE review_log SET duration_ms = NULL WHERE duration_ms < 0",
    "UPDATE study_settings SET desired_retention = CASE WHEN desired_retention < 0.7 "
    "THEN 0.7 ELSE 0.97 END WHERE desired_retention < 0.7 OR desired_retention > 0.97",
    "UPDATE study_settings SET new_per_day = CASE WHEN new_per_day < 0 THEN 0 ELSE 9999 END "
    "WHERE new_per_day < 0 OR new_per_day > 9999",
] + [
    statement
    for table, suffix in (('card_state', ''), ('review_log', '_before'))
    for statement in (
        f"UPDATE {table} SET state{suffix} = CASE WHEN state{suffix} < 1 THEN 1 ELSE 3 END "
        f"WHERE state{suffix} < 1 OR state{suffix} > 3",
        f"UPDATE {table} SET step{suffix} = 0 WHERE step{suffix} < 0",
        f"UPDATE {table} SET stability{suffix} = 0.001 WHERE stability{suffix} <= 0",
        f"UPDATE {table} SET difficulty{suffix} = CASE WHEN difficulty{suffix} < 1 THEN 1 "
        f"ELSE 10 END WHERE difficulty{suffix} < 1 OR difficulty{suffix} > 10",
    )
]


def _renumber_item_versions(connection):
    """Shift each affected item's versions (and its current version) so the lowest is 1.

    Done in two steps, through numbers far above any real version, so that no
    intermediate row collides with a sibling under the (item, version) key.
    """
    far = 1_000_000_000
    lowest = connection.execute(
        sa.text(
            "SELECT item_id, min(version) FROM ("
            "SELECT item_id, version FROM item_version "
            "UNION ALL SELECT id, version FROM item) AS versions "
            "GROUP BY item_id HAVING min(version) < 1"
        )
    ).all()
    for item_id, low in lowest:
        shift = {'item_id': item_id, 'far': far, 'shift': 1 - low}
        connection.execute(
            sa.text("UPDATE item_version SET version = version + :far WHERE item_id = :item_id"),
            shift,
        )
        connection.execute(
            sa.text(
                "UPDATE item_version SET version = version - :far + :shift "
                "WHERE item_id = :item_id"
            ),
            shift,
        )
        connection.execute(
            sa.text("UPDATE item SET version = version + :shift WHERE id = :item_id"), shift
        )


def upgrade():
    connection = op.get_bind()
    _renumber_item_versions(connection)
    for statement in REPAIRS:
        op.execute(statement)
    for table in sorted(CHECKS.keys() | INDEXES.keys()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition in CHECKS.get(table, []):
                batch_op.create_check_constraint(op.f(f'ck_{table}_{name}'), condition)
            for column in INDEXES.get(table, []):
                batch_op.create_index(op.f(f'ix_{table}_{column}'), [column], unique=False)


def downgrade():
    for table in sorted(CHECKS.keys() | INDEXES.keys()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in INDEXES.get(table, []):
                batch_op.drop_index(op.f(f'ix_{table}_{column}'))
            for name, _condition in CHECKS.get(table, []):
                batch_op.drop_constraint(op.f(f'ck_{table}_{name}'), type_='check')
