package compasssim

import "errors"

var (
	// ErrInvalidDocument is returned by ValidateDocument when the document does not parse or does
	// not validate against the schema subset.
	ErrInvalidDocument = errors.New("invalid graphql document")

	// ErrComponentNotFound is returned by EditComponent when no component has the given id.
	ErrComponentNotFound = errors.New("component not found")

	// ErrInvalidComponent is returned by SeedComponent and EditComponent when the component breaks
	// one of Compass's limits; the wrapped message names the limit.
	ErrInvalidComponent = errors.New("invalid component")
)

// Error types the simulator puts in payload and query error extensions.
const (
	errArgumentInvalid        = "ARGUMENT_INVALID"
	errCloudIDInvalid         = "CLOUD_ID_INVALID"
	errComponentARIInvalid    = "COMPONENT_ARI_INVALID"
	errComponentNotFound      = "COMPONENT_NOT_FOUND"
	errNameInvalid            = "COMPONENT_NAME_INVALID"
	errNameTooLong            = "COMPONENT_NAME_TOO_LONG"
	errDescriptionTooLong     = "COMPONENT_DESCRIPTION_TOO_LONG"
	errSlugInvalid            = "COMPONENT_SLUG_INVALID"
	errSlugTaken              = "COMPONENT_SLUG_ALREADY_EXISTS"
	errTypeInvalid            = "COMPONENT_TYPE_ID_INVALID"
	errOwnerInvalid           = "COMPONENT_OWNER_ID_INVALID"
	errLabelInvalid           = "COMPONENT_LABEL_INVALID"
	errLabelsMaximum          = "COMPONENT_LABELS_MAXIMUM_REACHED"
	errLinksMaximumPerType    = "COMPONENT_LINKS_MAXIMUM_PER_TYPE_REACHED"
	errLinkURLInvalid         = "COMPONENT_LINK_URL_NOT_A_VALID_URL"
	errLinkNotFound           = "COMPONENT_LINK_DOES_NOT_EXIST"
	errAliasTaken             = "EXTERNAL_ALIAS_ALREADY_EXISTS"
	errAliasNotFound          = "EXTERNAL_ALIAS_NOT_FOUND"
	errRelationshipExists     = "RELATIONSHIP_ALREADY_EXISTS"
	errRelationshipSelf       = "RELATIONSHIP_SELF_REFERENCE"
	errRelationshipNotFound   = "RELATIONSHIP_NOT_FOUND"
	errFieldDefinitionUnknown = "FIELD_DEFINITION_NOT_FOUND"
	errFieldValueInvalid      = "FIELD_VALUE_INVALID"
	errCustomFieldUnknown     = "CUSTOM_FIELD_DEFINITION_NOT_FOUND"
	errCustomFieldInvalid     = "CUSTOM_FIELD_VALUE_INVALID"
	errCustomFieldNameTaken   = "CUSTOM_FIELD_DEFINITION_NAME_ALREADY_EXISTS"
	errRateLimited            = "RATE_LIMIT_EXCEEDED"
)

// apiError is one Compass-side failure: a mutation payload error, a QueryError result or a
// field error, depending on where it surfaces.
type apiError struct {
	message    string
	statusCode int
	errorType  string
}

func (e *apiError) Error() string {
	return e.message
}

func badRequest(errorType, message string) *apiError {
	return &apiError{message: message, statusCode: 400, errorType: errorType}
}

func notFound(errorType, message string) *apiError {
	return &apiError{message: message, statusCode: 404, errorType: errorType}
}

func conflict(errorType, message string) *apiError {
	return &apiError{message: message, statusCode: 409, errorType: errorType}
}

// errNoQuery is returned for a request body without a query.
var errNoQuery = errors.New("request has no query")
