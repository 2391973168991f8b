"""Every write to the catalogue: keyword-only, typed, transactional.

Each service checks its rules, saves, and announces the change on
``catalog_changed`` with the acting user so the audit trail records it.
Errors are ``CatalogError`` subclasses naming the field and the rule.
"""

from .corrections import (  # noqa: F401
    is_longer,
    record_correct,
    record_formed_on_correct,
    record_link_confirm,
    record_link_drop,
    record_pages_correct,
    record_refile,
    record_retention_correct,
    record_retention_extend,
    record_sensitivity_correct,
    record_title_correct,
    record_volume_correct,
)
from .people import (  # noqa: F401
    member_create,
    member_get_or_create,
    member_update,
    unit_create,
    unit_get_or_create,
    unit_update,
)
from .plan import (  # noqa: F401
    category_create,
    category_update,
    fileplan_load,
    fonds_create,
    fonds_update,
    stage_create,
    stage_retention_change,
    stage_update,
)
from .records import (  # noqa: F401
    record_create,
    record_destroy,
    record_file,
    record_link_member,
    record_link_unit,
    record_receive,
    record_sensitivity_set,
    record_transition,
    volume_create,
    volume_update,
)
from .retention import (  # noqa: F401
    retention_check_minimum,
    schedule_years,
)
from .suggestions import (  # noqa: F401
    member_name_fill,
    record_suggestions_set,
    title_is_file_name,
    unit_name_fill,
)
