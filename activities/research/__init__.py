"""The research job type: ``contract`` (input and result models, phases, settings, examples) is
all the API and CLI import; ``phases`` holds the phase functions only the worker loads."""
