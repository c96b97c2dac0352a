package wix

import (
	"net/url"
	"strconv"
	"time"
)

// MediaType is the kind of a file in the Media Manager.
type MediaType string

// The media types Wix knows.
const (
	MediaUnknown  MediaType = "UNKNOWN"
	MediaImage    MediaType = "IMAGE"
	MediaVideo    MediaType = "VIDEO"
	MediaAudio    MediaType = "AUDIO"
	MediaDocument MediaType = "DOCUMENT"
	MediaVector   MediaType = "VECTOR"
	MediaArchive  MediaType = "ARCHIVE"
	MediaModel3D  MediaType = "MODEL3D"
	MediaOther    MediaType = "OTHER"
)

// MediaTypes lists every media type in Wix's order.
var MediaTypes = []MediaType{MediaUnknown, MediaImage, MediaVideo, MediaAudio,
	MediaDocument, MediaVector, MediaArchive, MediaModel3D, MediaOther}

// Valid reports whether t is one of Wix's media types.
func (t MediaType) Valid() bool {
	for _, m := range MediaTypes {
		if t == m {
			return true
		}
	}
	return false
}

// OperationStatus is a file's processing state.
type OperationStatus string

// Processing states: an import starts PENDING and ends READY or FAILED.
const (
	StatusPending OperationStatus = "PENDING"
	StatusReady   OperationStatus = "READY"
	StatusFailed  OperationStatus = "FAILED"
)

// RootFolderMedia is the ID of the Media Manager's root folder, the default
// parent of imported files.
const RootFolderMedia = "media-root"

// MediaURLPrefix is where Wix serves site media.
const MediaURLPrefix = "https://static.wixstatic.com/media/"

// File is a file descriptor exactly as it travels in REST JSON (not the SDK's
// renamed fields: `id`, not `_id`; dates are RFC 3339 strings; the size is a
// decimal string).
type File struct {
	ID              string          `json:"id,omitempty"`
	DisplayName     string          `json:"displayName,omitempty"`
	URL             string          `json:"url,omitempty"`
	ParentFolderID  string          `json:"parentFolderId,omitempty"`
	Hash            string          `json:"hash,omitempty"`
	SizeInBytes     string          `json:"sizeInBytes,omitempty"`
	Private         bool            `json:"private"`
	MediaType       MediaType       `json:"mediaType,omitempty"`
	Media           *FileMedia      `json:"media,omitempty"`
	OperationStatus OperationStatus `json:"operationStatus,omitempty"`
	SourceURL       string          `json:"sourceUrl,omitempty"`
	ThumbnailURL    string          `json:"thumbnailUrl,omitempty"`
	Labels          []string        `json:"labels,omitempty"`
	CreatedDate     *time.Time      `json:"createdDate,omitempty"`
	UpdatedDate     *time.Time      `json:"updatedDate,omitempty"`
	SiteID          string          `json:"siteId,omitempty"`
	State           string          `json:"state,omitempty"`
}

// FileMedia holds the type-specific part of a descriptor; exactly one field is set.
type FileMedia struct {
	Image    *ImageMedia    `json:"image,omitempty"`
	Video    *VideoMedia    `json:"video,omitempty"`
	Audio    *AudioMedia    `json:"audio,omitempty"`
	Document *DocumentMedia `json:"document,omitempty"`
	Vector   *ImageMedia    `json:"vector,omitempty"`
	Archive  *GenericMedia  `json:"archive,omitempty"`
	Model3D  *GenericMedia  `json:"model3d,omitempty"`
}

// ImageMedia describes an image or vector file.
type ImageMedia struct {
	Image        *Image  `json:"image,omitempty"`
	PreviewImage *Image  `json:"previewImage,omitempty"`
	Caption      string  `json:"caption,omitempty"`
	Colors       *Colors `json:"colors,omitempty"`
}

// Image is one rendition of an image.
type Image struct {
	ID          string `json:"id,omitempty"`
	URL         string `json:"url,omitempty"`
	Width       int    `json:"width,omitempty"`
	Height      int    `json:"height,omitempty"`
	AltText     string `json:"altText,omitempty"`
	Filename    string `json:"filename,omitempty"`
	SizeInBytes string `json:"sizeInBytes,omitempty"`
}

// Colors holds an image's prominent colour.
type Colors struct {
	Prominent *Color `json:"prominent,omitempty"`
}

// Color is a colour as Wix reports it.
type Color struct {
	Hex string `json:"hex,omitempty"`
}

// VideoMedia describes a video file.
type VideoMedia struct {
	ID          string            `json:"id,omitempty"`
	URL         string            `json:"url,omitempty"`
	Resolutions []VideoResolution `json:"resolutions,omitempty"`
	Filename    string            `json:"filename,omitempty"`
	SizeInBytes string            `json:"sizeInBytes,omitempty"`
	// Posters are still images of the video; the SDK's wix:video URI
	// names the second when there are two, else the first.
	Posters                []Image `json:"posters,omitempty"`
	Width                  int     `json:"width,omitempty"`
	Height                 int     `json:"height,omitempty"`
	DurationInMilliseconds int64   `json:"durationInMilliseconds,omitempty"`
}

// VideoResolution is one rendition of a video.
type VideoResolution struct {
	URL    string `json:"url,omitempty"`
	Width  int    `json:"width,omitempty"`
	Height int    `json:"height,omitempty"`
	Format string `json:"format,omitempty"`
}

// AudioMedia describes an audio file.
type AudioMedia struct {
	ID       string       `json:"id,omitempty"`
	Assets   []AudioAsset `json:"assets,omitempty"`
	Duration float64      `json:"duration,omitempty"` // seconds
}

// AudioAsset is one rendition of an audio file.
type AudioAsset struct {
	ID          string `json:"id,omitempty"`
	URL         string `json:"url,omitempty"`
	Filename    string `json:"filename,omitempty"`
	SizeInBytes string `json:"sizeInBytes,omitempty"`
	// Duration is in milliseconds (the file's AudioMedia.Duration is in
	// seconds); the SDK's wix:audio URI carries it.
	Duration float64 `json:"duration,omitempty"`
}

// DocumentMedia describes a document (PDF and the like).
type DocumentMedia struct {
	ID          string `json:"id,omitempty"`
	URL         string `json:"url,omitempty"`
	Filename    string `json:"filename,omitempty"`
	SizeInBytes string `json:"sizeInBytes,omitempty"`
}

// GenericMedia describes archives and 3D models.
type GenericMedia struct {
	ID          string `json:"id,omitempty"`
	URL         string `json:"url,omitempty"`
	Filename    string `json:"filename,omitempty"`
	SizeInBytes string `json:"sizeInBytes,omitempty"`
}

// ExternalInfo is echoed back only in the File Ready / File Failed webhooks.
type ExternalInfo struct {
	Origin      string   `json:"origin,omitempty"`
	ExternalIDs []string `json:"externalIds,omitempty"`
}

// ImportFileRequest asks Wix to fetch a file from a public URL.
type ImportFileRequest struct {
	URL            string         `json:"url"`
	MediaType      MediaType      `json:"mediaType,omitempty"`
	DisplayName    string         `json:"displayName,omitempty"`
	ParentFolderID string         `json:"parentFolderId,omitempty"`
	Private        *bool          `json:"private,omitempty"`
	Labels         []string       `json:"labels,omitempty"`
	MimeType       string         `json:"mimeType,omitempty"`
	ExternalInfo   *ExternalInfo  `json:"externalInfo,omitempty"`
	URLParams      map[string]any `json:"urlParams,omitempty"`
	URLHeaders     map[string]any `json:"urlHeaders,omitempty"`
	FilePath       string         `json:"filePath,omitempty"`
}

// ImportFileResponse is the answer to Import File.
type ImportFileResponse struct {
	File *File `json:"file"`
}

// BulkImportFileRequest imports 1..100 files in one call.
type BulkImportFileRequest struct {
	ImportFileRequests []ImportFileRequest `json:"importFileRequests"`
	ReturnEntity       *bool               `json:"returnEntity,omitempty"`
}

// BulkImportFileResponse answers a bulk import; match results to requests by
// ItemMetadata.OriginalIndex, never by position.
type BulkImportFileResponse struct {
	Results            []BulkImportResult `json:"results"`
	BulkActionMetadata BulkActionMetadata `json:"bulkActionMetadata"`
}

// BulkImportResult is one item's outcome in a bulk import.
type BulkImportResult struct {
	ItemMetadata ItemMetadata `json:"itemMetadata"`
	Item         *File        `json:"item,omitempty"`
}

// ItemMetadata says whether one bulk item succeeded.
type ItemMetadata struct {
	ID            string            `json:"id,omitempty"`
	OriginalIndex int               `json:"originalIndex"`
	Success       bool              `json:"success"`
	Error         *ApplicationError `json:"error,omitempty"`
}

// BulkActionMetadata counts a bulk call's successes and failures.
type BulkActionMetadata struct {
	TotalSuccesses     int `json:"totalSuccesses"`
	TotalFailures      int `json:"totalFailures"`
	UndetailedFailures int `json:"undetailedFailures"`
}

// ApplicationError is Wix's error detail, in error bodies and bulk items.
type ApplicationError struct {
	Code        string         `json:"code,omitempty"`
	Description string         `json:"description,omitempty"`
	Data        map[string]any `json:"data,omitempty"`
}

// SortOrder orders a listing.
type SortOrder string

// Sort orders.
const (
	SortAsc  SortOrder = "ASC"
	SortDesc SortOrder = "DESC"
)

// Sorting names the field to sort by: displayName, updatedDate or sizeInBytes.
type Sorting struct {
	FieldName string    `json:"fieldName,omitempty"`
	Order     SortOrder `json:"order,omitempty"`
}

// CursorPaging asks for one page; Limit is at most 100.
type CursorPaging struct {
	Limit  int    `json:"limit,omitempty"`
	Cursor string `json:"cursor,omitempty"`
}

// ListFilesRequest filters and pages List Files. Empty fields are left out of
// the query, as the official SDK does.
type ListFilesRequest struct {
	ParentFolderID string
	MediaTypes     []MediaType
	Private        *bool
	Sort           *Sorting
	Paging         CursorPaging
}

// query encodes r as the official SDK does for List Files and List Deleted
// Files.
func (r *ListFilesRequest) query() url.Values {
	q := url.Values{}
	if r.ParentFolderID != "" {
		q.Set("parentFolderId", r.ParentFolderID)
	}
	for _, t := range r.MediaTypes {
		q.Add("mediaTypes", string(t))
	}
	if r.Private != nil {
		q.Set("private", strconv.FormatBool(*r.Private))
	}
	if r.Sort != nil {
		if r.Sort.FieldName != "" {
			q.Set("sort.fieldName", r.Sort.FieldName)
		}
		if r.Sort.Order != "" {
			q.Set("sort.order", string(r.Sort.Order))
		}
	}
	if r.Paging.Limit > 0 {
		q.Set("paging.limit", strconv.Itoa(r.Paging.Limit))
	}
	if r.Paging.Cursor != "" {
		q.Set("paging.cursor", r.Paging.Cursor)
	}
	return q
}

// ListFilesResponse is one page of files.
type ListFilesResponse struct {
	Files      []File          `json:"files"`
	NextCursor *PagingMetadata `json:"nextCursor,omitempty"`
}

// Next returns the cursor of the following page, or "" on the last page.
func (r *ListFilesResponse) Next() string { return r.NextCursor.next() }

// PagingMetadata carries the cursor of the next page.
type PagingMetadata struct {
	Total   *int    `json:"total,omitempty"`
	Cursors Cursors `json:"cursors"`
}

func (p *PagingMetadata) next() string {
	if p == nil {
		return ""
	}
	return p.Cursors.Next
}

// Cursors holds paging cursors.
type Cursors struct {
	Next string `json:"next,omitempty"`
}

// Root folders Search Files can search.
const (
	RootMedia          = "MEDIA_ROOT"
	RootTrash          = "TRASH_ROOT"
	RootVisitorUploads = "VISITOR_UPLOADS_ROOT"
)

// SearchFilesRequest searches the whole Media Manager.
type SearchFilesRequest struct {
	Search     string        `json:"search,omitempty"`
	RootFolder string        `json:"rootFolder,omitempty"`
	MediaTypes []MediaType   `json:"mediaTypes,omitempty"`
	Private    *bool         `json:"private,omitempty"`
	Sort       *Sorting      `json:"sort,omitempty"`
	Paging     *CursorPaging `json:"paging,omitempty"`
}

// SearchFilesResponse is one page of search results.
type SearchFilesResponse struct {
	Files      []File          `json:"files"`
	NextCursor *PagingMetadata `json:"nextCursor,omitempty"`
}

// Next returns the cursor of the following page, or "" on the last page.
func (r *SearchFilesResponse) Next() string { return r.NextCursor.next() }

// BulkDeleteFilesRequest moves files to the trash bin (or, with Permanent,
// deletes them for good). Permanent is always sent, so a request says
// plainly which it is.
type BulkDeleteFilesRequest struct {
	FileIDs   []string `json:"fileIds"`
	Permanent bool     `json:"permanent"`
}

// BulkRestoreFilesRequest moves files out of the trash bin.
type BulkRestoreFilesRequest struct {
	FileIDs []string `json:"fileIds"`
}

// GetFileResponse answers Get File Descriptor.
type GetFileResponse struct {
	File *File `json:"file"`
}

// GetFilesRequest asks for 1..100 descriptors by ID.
type GetFilesRequest struct {
	FileIDs []string `json:"fileIds"`
}

// GetFilesResponse answers Get File Descriptors.
type GetFilesResponse struct {
	Files []File `json:"files"`
}

// GenerateUploadURLRequest asks for a one-shot upload URL.
type GenerateUploadURLRequest struct {
	MimeType       string        `json:"mimeType"`
	FileName       string        `json:"fileName,omitempty"`
	SizeInBytes    string        `json:"sizeInBytes,omitempty"`
	ParentFolderID string        `json:"parentFolderId,omitempty"`
	Private        *bool         `json:"private,omitempty"`
	Labels         []string      `json:"labels,omitempty"`
	ExternalInfo   *ExternalInfo `json:"externalInfo,omitempty"`
	FilePath       string        `json:"filePath,omitempty"`
}

// GenerateUploadURLResponse carries the URL to PUT the bytes to.
type GenerateUploadURLResponse struct {
	UploadURL string `json:"uploadUrl"`
}

// UploadProtocolTUS is the only resumable protocol Wix offers.
const UploadProtocolTUS = "TUS"

// GenerateResumableUploadURLRequest asks for a tus upload URL.
type GenerateResumableUploadURLRequest struct {
	MimeType       string   `json:"mimeType"`
	FileName       string   `json:"fileName,omitempty"`
	SizeInBytes    string   `json:"sizeInBytes,omitempty"`
	ParentFolderID string   `json:"parentFolderId,omitempty"`
	Private        *bool    `json:"private,omitempty"`
	Labels         []string `json:"labels,omitempty"`
	UploadProtocol string   `json:"uploadProtocol,omitempty"`
	FilePath       string   `json:"filePath,omitempty"`
}

// GenerateResumableUploadURLResponse carries the tus endpoint and its token.
type GenerateResumableUploadURLResponse struct {
	UploadProtocol string `json:"uploadProtocol"`
	UploadURL      string `json:"uploadUrl"`
	UploadToken    string `json:"uploadToken"`
}

// UploadResponse answers the PUT of an upload.
type UploadResponse struct {
	File *File `json:"file"`
}

// ErrorBody is the JSON body of every non-2xx answer.
type ErrorBody struct {
	Message string       `json:"message"`
	Details ErrorDetails `json:"details"`
}

// ErrorDetails holds either an application error or validation failures.
type ErrorDetails struct {
	ApplicationError *ApplicationError `json:"applicationError,omitempty"`
	ValidationError  *ValidationError  `json:"validationError,omitempty"`
}

// ValidationError lists the fields a request got wrong.
type ValidationError struct {
	FieldViolations []FieldViolation `json:"fieldViolations"`
}

// FieldViolation names one bad field.
type FieldViolation struct {
	Field        string         `json:"field"`
	Description  string         `json:"description"`
	ViolatedRule string         `json:"violatedRule,omitempty"`
	RuleName     string         `json:"ruleName,omitempty"`
	Data         map[string]any `json:"data,omitempty"`
}
