"""The one error type for bad input (flags, files): the command line prints its message
on one line and exits with status 2 (usage) or 1 (anything else), never a traceback."""


class UserError(Exception):
    """A problem the user can fix; `status` is the exit status the command line uses."""

    def __init__(self, message, status=1):
        super().__init__(message)
        self.status = status
