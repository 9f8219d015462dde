"""nbgrader's CheckCellMetadata step with its JSON schema compiled once.

nbgrader checks each cell's metadata with `jsonschema.validate`, which first validates the schema itself against
the JSON-schema meta-schema: about 1 ms a cell, 30-50 ms a notebook, and autograde checks every notebook twice.
Here the schema check runs once per process; every other check (schema version, grade ids, points, cell types,
duplicate ids) is still nbgrader's own code.
"""
from __future__ import annotations

import functools
import traceback

import jsonschema
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.nbgraderformat.common import BaseMetadataValidator
from nbgrader.preprocessors import CheckCellMetadata


@functools.cache
def _compiled() -> jsonschema.protocols.Validator:
    """nbgrader's metadata schema (the version MetadataValidator checks), checked once and compiled."""
    schema = MetadataValidator().schema
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def schema_errors(meta) -> list[jsonschema.exceptions.ValidationError]:
    """Every way a cell's nbgrader metadata (any JSON value) breaks nbgrader's schema, the deepest first (a field of
    the wrong type before a missing field)."""
    return sorted(_compiled().iter_errors(meta), key=lambda error: -len(error.absolute_path))


class _CompiledSchema(BaseMetadataValidator):
    """Sits between nbgrader's MetadataValidator and its base class: the per-cell schema check, compiled."""

    def validate_cell(self, cell) -> None:
        """Check one cell's nbgrader metadata against nbgrader's schema (compiled once). Raises the best-matching
        jsonschema ValidationError when it does not fit; a cell of no or another schema version goes to nbgrader."""
        meta = cell.metadata.get("nbgrader")
        if meta is None or meta.get("schema_version", 0) != self.schema_version:
            return super().validate_cell(cell)  # nbgrader's own messages for a missing or other version
        error = jsonschema.exceptions.best_match(_compiled().iter_errors(meta))
        if error is not None:
            raise error


class CompiledMetadataValidator(MetadataValidator, _CompiledSchema):
    """nbgrader's MetadataValidator; its base class's schema check comes from _CompiledSchema."""


class CompiledCheckCellMetadata(CheckCellMetadata):
    """CheckCellMetadata (same checks, same log and error) with CompiledMetadataValidator."""

    def preprocess(self, nb, resources):
        """Validate every cell's nbgrader metadata; raises nbgrader's ValidationError (its own message) when one
        does not fit, after logging which."""
        try:
            CompiledMetadataValidator().validate_nb(nb)
        except ValidationError:
            self.log.error(traceback.format_exc())
            msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(msg)
            raise ValidationError(msg)
        return nb, resources
