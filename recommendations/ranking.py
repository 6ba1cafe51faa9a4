"""Placeholder ordering until the hybrid ranker is trained: knowledge-base order."""


class KnowledgeBaseOrder:
    label = "knowledge-base order"

    def order(self, items, *, profile=None, disease=None):
        return list(items)


def current_ranker():
    return KnowledgeBaseOrder()
