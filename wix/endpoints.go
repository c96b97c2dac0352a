package wix

import "net/http"

// Endpoint is one method of the Media Manager API. The table below is the
// one place its names live: the client sends calls and names them in
// errors by it, the pipeline counts calls by it, and the simulator routes
// and counts requests by it.
type Endpoint struct {
	Name   string // the method's name in Wix's reference: errors and a run's call counts
	Stat   string // the simulator's key for it in GET /_sim/stats
	Method string // HTTP method
	Path   string // path under the base URL
	// Import marks a call that creates files: a lost answer leaves its
	// outcome unknown.
	Import bool
}

// The Media Manager methods this project uses.
var (
	EndpointImportFile                     = Endpoint{"ImportFile", "import", http.MethodPost, "/site-media/v1/files/import", true}
	EndpointBulkImportFile                 = Endpoint{"BulkImportFile", "bulkImport", http.MethodPost, "/site-media/v1/bulk/files/import-v2", true}
	EndpointListFiles                      = Endpoint{"ListFiles", "listFiles", http.MethodGet, "/site-media/v1/files", false}
	EndpointGetFileDescriptor              = Endpoint{"GetFileDescriptor", "getFile", http.MethodGet, "/site-media/v1/files/get-file-by-id", false}
	EndpointGetFileDescriptors             = Endpoint{"GetFileDescriptors", "getFiles", http.MethodPost, "/site-media/v1/files/get-files", false}
	EndpointSearchFiles                    = Endpoint{"SearchFiles", "search", http.MethodPost, "/site-media/v1/files/search", false}
	EndpointGenerateFileUploadURL          = Endpoint{"GenerateFileUploadUrl", "generateUploadUrl", http.MethodPost, "/site-media/v1/files/generate-upload-url", false}
	EndpointGenerateFileResumableUploadURL = Endpoint{"GenerateFileResumableUploadUrl", "generateResumableUploadUrl", http.MethodPost, "/site-media/v1/files/generate-resumable-upload-url", false}
	EndpointBulkDeleteFiles                = Endpoint{"BulkDeleteFiles", "bulkDeleteFiles", http.MethodPost, "/site-media/v1/bulk/files/delete", false}
	EndpointListDeletedFiles               = Endpoint{"ListDeletedFiles", "listDeletedFiles", http.MethodGet, "/site-media/v1/trash-bin/files", false}
	EndpointBulkRestoreFilesFromTrashBin   = Endpoint{"BulkRestoreFilesFromTrashBin", "bulkRestoreFiles", http.MethodPost, "/site-media/v1/bulk/trash-bin/files/restore", false}
)

// Endpoints lists every Endpoint above.
var Endpoints = []Endpoint{
	EndpointImportFile, EndpointBulkImportFile, EndpointListFiles, EndpointGetFileDescriptor,
	EndpointGetFileDescriptors, EndpointSearchFiles, EndpointGenerateFileUploadURL,
	EndpointGenerateFileResumableUploadURL, EndpointBulkDeleteFiles, EndpointListDeletedFiles,
	EndpointBulkRestoreFilesFromTrashBin,
}
