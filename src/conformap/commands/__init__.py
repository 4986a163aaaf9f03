"""The subcommands of ``conformap``, one module each.

Every module has ``add_parser(subparsers)``, which adds the subcommand's parser (``conformap.cli``
makes that parser call the module's ``run``), and ``run(args) -> int``, which does the work and
returns the exit status. A failure the user can fix
is raised as a :class:`conformap.diagnostics.ConformapError`; :func:`conformap.cli.main` is the one
place that prints it. ``conformap.cli.COMMANDS`` lists the modules in the order ``--help`` shows them.
"""
