package wixsim

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
)

// sitePrefix is the 6-hex owner prefix Wix puts in front of file IDs; it
// is derived from the site ID so a site's IDs look alike across runs.
func sitePrefix(siteID string) string {
	sum := sha1.Sum([]byte(siteID))
	return hex.EncodeToString(sum[:3])
}

// fileID builds an ID like 2acbb8_66ffafe2e5d04335b968dc73dae5585c~mv2.jpg
// (images) or 2acbb8_<32 hex>.pdf (other media).
func fileID(prefix string, kind mediaKind, ext string, random [16]byte) string {
	id := prefix + "_" + hex.EncodeToString(random[:])
	switch {
	case kind == kindImage:
		id += "~mv2." + ext
	case ext != "":
		id += "." + ext
	}
	return id
}

// folderID derives the ID of folder name under parent on a site, so the
// same path always yields the same folder, as Wix's find-or-create does.
func folderID(siteID, parent, name string) string {
	sum := md5.Sum([]byte(siteID + "\x00" + parent + "\x00" + name))
	return hex.EncodeToString(sum[:])
}

// token returns an unguessable hex token; upload tokens are the only
// authorization upload requests need.
func token() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
