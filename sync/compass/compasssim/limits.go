package compasssim

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Compass's limits, as the simulator enforces them.
const (
	maxNameLength        = 512
	maxDescriptionLength = 4096
	maxSlugLength        = 64
	maxLabelLength       = 40
	maxLabels            = 10
	maxLinksPerType      = 10
	maxComponentIDs      = 30
	maxPageSize          = 100
	defaultPageSize      = 25
)

// typeIDs are the built-in component types, in the order componentTypes lists them.
var typeIDs = []string{
	"SERVICE", "LIBRARY", "APPLICATION", "CAPABILITY", "CLOUD_RESOURCE", "DATA_PIPELINE",
	"MACHINE_LEARNING_MODEL", "UI_ELEMENT", "WEBSITE", "DATASET", "DATA_PRODUCT", "DASHBOARD",
	"OTHER",
}

// linkTypes are the values of CompassLinkType.
var linkTypes = map[string]bool{
	"CHAT_CHANNEL": true, "DASHBOARD": true, "DOCUMENT": true, "ON_CALL": true,
	"OTHER_LINK": true, "PROJECT": true, "REPOSITORY": true,
}

// builtinFields are the enum fields set through a component's fields input, with their values.
var builtinFields = map[string][]string{
	FieldLifecycle: {"Pre-release", "Active", "Deprecated"},
	FieldTier:      {"1", "2", "3", "4"},
}

var (
	componentARI = regexp.MustCompile(`^ari:cloud:compass:([^:/]+):component/([^/]+)/([^/]+)$`)
	teamARI      = regexp.MustCompile(`^ari:cloud:(identity|teams)::team/([^/]+)$`)
	slugPattern  = regexp.MustCompile(`^[0-9a-zA-Z-]+$`)
)

func isTypeID(id string) bool {
	for _, t := range typeIDs {
		if t == id {
			return true
		}
	}
	return false
}

// checkComponentID refuses ids that are not component ARIs.
func checkComponentID(id string) *apiError {
	if !componentARI.MatchString(id) {
		return badRequest(errComponentARIInvalid, fmt.Sprintf("%q is not a valid component ARI", id))
	}
	return nil
}

// teamKey returns the team uuid of a team ARI, in either of its two spellings.
func teamKey(ari string) (string, bool) {
	m := teamARI.FindStringSubmatch(ari)
	if m == nil {
		return "", false
	}
	return m[2], true
}

func checkName(name string) *apiError {
	if strings.TrimSpace(name) == "" {
		return badRequest(errNameInvalid, "Component name must not be blank")
	}
	if utf8.RuneCountInString(name) > maxNameLength {
		return badRequest(errNameTooLong, fmt.Sprintf("Component name must be at most %d characters", maxNameLength))
	}
	return nil
}

func checkDescription(description string) *apiError {
	if utf8.RuneCountInString(description) > maxDescriptionLength {
		msg := fmt.Sprintf("Component description must be at most %d characters", maxDescriptionLength)
		return badRequest(errDescriptionTooLong, msg)
	}
	return nil
}

func checkSlug(slug string) *apiError {
	if len(slug) > maxSlugLength || !slugPattern.MatchString(slug) {
		msg := fmt.Sprintf("Slug must be 1 to %d letters, digits or hyphens", maxSlugLength)
		return badRequest(errSlugInvalid, msg)
	}
	return nil
}

func checkLabel(label string) *apiError {
	switch {
	case label == "":
		return badRequest(errLabelInvalid, "Label must not be empty")
	case utf8.RuneCountInString(label) > maxLabelLength:
		return badRequest(errLabelInvalid, fmt.Sprintf("Label %q is longer than %d characters", label, maxLabelLength))
	case strings.IndexFunc(label, unicode.IsSpace) >= 0:
		return badRequest(errLabelInvalid, fmt.Sprintf("Label %q must not contain whitespace", label))
	case strings.ToLower(label) != label:
		return badRequest(errLabelInvalid, fmt.Sprintf("Label %q must be lower case", label))
	}
	return nil
}

func checkLabels(labels []string) *apiError {
	for _, l := range labels {
		if err := checkLabel(l); err != nil {
			return err
		}
	}
	if len(labels) > maxLabels {
		msg := fmt.Sprintf("A component can have at most %d labels", maxLabels)
		return badRequest(errLabelsMaximum, msg)
	}
	return nil
}

// checkLinkURL accepts only absolute http and https URLs with a host.
func checkLinkURL(raw string) *apiError {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return badRequest(errLinkURLInvalid, fmt.Sprintf("%q is not a valid URL", raw))
	}
	return nil
}

func checkLinks(links []Link) *apiError {
	perType := make(map[string]int)
	for _, l := range links {
		if !linkTypes[l.Type] {
			return badRequest(errArgumentInvalid, fmt.Sprintf("%q is not a link type", l.Type))
		}
		if err := checkLinkURL(l.URL); err != nil {
			return err
		}
		perType[l.Type]++
		if perType[l.Type] > maxLinksPerType {
			msg := fmt.Sprintf("A component can have at most %d links of type %s", maxLinksPerType, l.Type)
			return badRequest(errLinksMaximumPerType, msg)
		}
	}
	return nil
}

func checkFields(fields map[string][]string) *apiError {
	for def, values := range fields {
		allowed, ok := builtinFields[def]
		if !ok {
			return notFound(errFieldDefinitionUnknown, fmt.Sprintf("Field definition %q does not exist", def))
		}
		if len(values) != 1 || !contains(allowed, values[0]) {
			msg := fmt.Sprintf("Field %q takes exactly one of %s", def, strings.Join(allowed, ", "))
			return badRequest(errFieldValueInvalid, msg)
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
