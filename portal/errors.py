class ServiceError(Exception):
    """A refused write: the message is Chinese and meant for the user as it is."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message
