"""knowledge_base_version runs the ORM's own statement, compiled once: the same answer as the
queryset, one query per call, and it follows new versions at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from diagnosis import selectors
from diagnosis.models import KnowledgeBaseVersion


@pytest.mark.django_db
def test_same_answer_as_the_queryset_and_one_query_each_time():
    KnowledgeBaseVersion.objects.all().delete()
    assert selectors.knowledge_base_version() == 0
    for reason in ("a", "b", "c"):
        made = KnowledgeBaseVersion.objects.create(reason=reason)
        with CaptureQueriesContext(connection) as queries:
            got = selectors.knowledge_base_version()
        assert got == made.pk == selectors._kb_version_query().first()
        assert len(queries) == 1
        assert queries[0]["sql"] == str(selectors._kb_version_query()[:1].query)
    KnowledgeBaseVersion.objects.filter(pk=made.pk).delete()
    assert selectors.knowledge_base_version() == selectors._kb_version_query().first() < made.pk
