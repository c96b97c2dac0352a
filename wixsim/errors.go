package wixsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/wixmigrate/wixmigrate/wix"
)

// apiError is a Wix-shaped error answer: an HTTP status and the JSON body
// Wix sends with it.
type apiError struct {
	status int
	body   wix.ErrorBody
}

func (e *apiError) Error() string { return e.body.Message }

// appError builds an applicationError answer.
func appError(status int, code, description string, data map[string]any) *apiError {
	return &apiError{status: status, body: wix.ErrorBody{
		Message: description,
		Details: wix.ErrorDetails{ApplicationError: &wix.ApplicationError{
			Code: code, Description: description, Data: data,
		}},
	}}
}

// Violated rules as Wix names them in fieldViolations.
const (
	ruleRequired  = "REQUIRED_FIELD"
	ruleMaxLength = "MAX_LENGTH"
	ruleMinSize   = "MIN_SIZE"
	ruleMaxSize   = "MAX_SIZE"
	ruleMax       = "MAX"
	ruleMin       = "MIN"
	ruleFormat    = "FORMAT"
	ruleOther     = "OTHER"
)

// violations collects field violations of one request.
type violations []wix.FieldViolation

func (v *violations) add(field, rule, format string, args ...any) {
	*v = append(*v, wix.FieldViolation{Field: field, Description: fmt.Sprintf(format, args...), ViolatedRule: rule})
}

// err returns the 400 answer for v, or nil when v is empty.
func (v violations) err() *apiError {
	if len(v) == 0 {
		return nil
	}
	parts := make([]string, len(v))
	for i, f := range v {
		parts[i] = f.Field + ": " + f.Description
	}
	return &apiError{status: http.StatusBadRequest, body: wix.ErrorBody{
		Message: "INVALID_ARGUMENT: " + strings.Join(parts, "; "),
		Details: wix.ErrorDetails{ValidationError: &wix.ValidationError{FieldViolations: v}},
	}}
}

func invalid(field, rule, format string, args ...any) *apiError {
	var v violations
	v.add(field, rule, format, args...)
	return v.err()
}

func notFound(what string, data map[string]any) *apiError {
	return appError(http.StatusNotFound, "FILE_NOT_FOUND", what, data)
}

// writeJSON answers with status and body as JSON.
func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	_ = enc.Encode(body)
}

func writeError(w http.ResponseWriter, e *apiError) { writeJSON(w, e.status, e.body) }
