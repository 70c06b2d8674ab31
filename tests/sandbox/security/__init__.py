"""The security suite of the sandbox, one module per class of the review."""
