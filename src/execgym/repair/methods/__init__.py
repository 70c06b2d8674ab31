"""The built-in repair methods, each registered in :data:`execgym.repair.REPAIR_METHODS` by
its module: ``direct``, ``bon``, ``codet``, ``cure``, ``selfdebug``, ``fixaudit`` and the
FixAudit ablations ``fixaudit-no-code-auditor``, ``fixaudit-no-test-fixer`` and
``fixaudit-no-auditor``."""
