"""Stage 6, commands: one module per command that is more than a call (build, serve, diff, explain, import, init, migrate, new), each starting from noticegen.load.reader."""
