module github.com/wixmigrate/wixmigrate

go 1.26.8
