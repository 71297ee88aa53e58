"""Activities: all of a job's I/O; each job type registers its input model and phases here."""
