"""The exceptions the compiled validators (compiled_<kind>.py) raise: "not valid".

They carry no explanation on purpose: a document the compiled validator does not pass
is validated again by jsonschema, which says what is wrong and where."""


class JsonSchemaValueException(ValueError):
    """The document is not valid against its schema."""

    def __init__(self, message, value=None, name=None, definition=None, rule=None):
        super().__init__(message)


class JsonSchemaValuesException(JsonSchemaValueException):
    """Several values are not valid (only raised when not failing fast)."""

