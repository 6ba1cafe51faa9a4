from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from diagnosis.kb_loader import KnowledgeBaseError, load_knowledge_base


class Command(BaseCommand):
    help = "Load the shipped knowledge base (idempotent; unchanged files are skipped unless --force)."

    def add_arguments(self, parser):
        parser.add_argument("--path", help="Knowledge-base folder (default: diagnosis/knowledge_base)")
        parser.add_argument("--force", action="store_true", help="Re-apply the files even if unchanged.")

    def handle(self, *args, path=None, force=False, **options):
        # A database behind the code (a new field not migrated yet) would fail mid-load with an
        # OperationalError naming a missing column; say what to do instead.
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("the database has unapplied migrations: run `manage.py migrate` first")
        try:
            result = load_knowledge_base(path, force=force)
        except KnowledgeBaseError as exc:
            raise CommandError(f"knowledge base not loaded: {exc}") from exc
        if not result.changed:
            self.stdout.write(f"Knowledge base unchanged (version {result.version}).")
            return
        summary = ", ".join(f"{n} {name}" for name, n in result.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Knowledge base version {result.version} loaded: {summary}."))
