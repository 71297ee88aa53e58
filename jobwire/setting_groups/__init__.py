"""The fields of ``jobwire.settings.Settings`` by concern, one module each; ``Settings`` joins
them into the one class that reads the environment."""
