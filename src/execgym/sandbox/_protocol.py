"""The wire between a child's harness and its fork-server (both sides import this).

Child to server, on :data:`CHANNEL_FD`: a stream of frames. A frame is one header line (a
JSON object, at most :data:`HEADER_CAP` bytes with its newline) followed by the raw bytes
of the blobs the header announces in ``"blobs"``: a list of lengths in :data:`BLOB_NAMES`
order (standard output and error as the program wrote them, the encoded return value and
an instrument's record as JSON). Nothing is escaped twice and the server never parses
output it only has to pass on.

Server to child, on :data:`CONTROL_FD` (a ``SOCK_SEQPACKET`` socket): after the child
announces ``start i``, one message whose data is test ``i``'s descriptor (JSON) and whose
only attached descriptor is a file holding the test's bulk: its standard input (stdin
tests) or its arguments as JSON (call tests). A test's input exists in the child only from
its own start, so no earlier test can read it.

Frames, in the only order the server accepts: ``compiled`` or ``compile_error``; in call
mode ``loaded`` or ``load_error``; then ``start i`` / ``done i`` for i = 0, 1, ...; and a
final ``end``. Before the harness takes over, the child's own set-up may instead send one
``setup_error`` frame as its very first: the only frame a child can send that is reported
as a failure of the sandbox, and it can only come before any untrusted code has run.
"""

CHANNEL_FD = 3
CONTROL_FD = 4
BACKUP_OUT_FD = 5
BACKUP_ERR_FD = 6
FIRST_FREE_FD = 7

HEADER_CAP = 256 << 10
BLOB_NAMES = ("stdout", "stderr", "value", "extra")
DESCRIPTOR_CAP = 64 << 10
MAX_VALUE_DEPTH = 128
"""JSON nesting allowed in a value or an instrument's record (the encoder stops at 100)."""

SETUP_ERROR_EXIT = 70


def value_cap(output_bytes: int) -> int:
    """Largest encoded return value a test may send (a larger one is sent as too large)."""
    return max(output_bytes, 1 << 20)


def extra_cap(output_bytes: int) -> int:
    """Largest instrument record (a trace) a test may send."""
    return max(4 * output_bytes, 64 << 20)
