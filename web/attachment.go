package web

import (
	"bufio"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"desk"
)

// multipartOverhead is what a multipart upload may carry besides the file
// itself: boundaries, part headers and small extra fields.
const multipartOverhead = 64 << 10

// sniffLen is how much of a file http.DetectContentType looks at.
const sniffLen = 512

func (s *Server) attachmentLimit() int64 {
	if s.Service.AttachmentLimit > 0 {
		return s.Service.AttachmentLimit
	}
	return desk.DefaultAttachmentLimit
}

func fileTooLarge(limit int64) *desk.Error {
	return desk.FieldError(desk.ETOOLARGE, "file_too_large", "file", "the file is larger than the limit of %d bytes", limit)
}

// uploadAttachment adds a file to a case. The file comes either as the part
// named "file" of a multipart/form-data body, or as the raw body with its
// name in Content-Disposition or ?name=. The file streams through to the
// blob store; the client's name is a display name only and its content type
// is ignored in favour of one sniffed from the content.
func (s *Server) uploadAttachment(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	limit := s.attachmentLimit()
	name := ""
	var file io.Reader
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		if r.ContentLength > limit+multipartOverhead {
			return fileTooLarge(limit)
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit+multipartOverhead)
		part, err := filePart(r)
		if err != nil {
			if isMaxBytes(err) {
				return fileTooLarge(limit)
			}
			return err
		}
		defer part.Close()
		name, file = part.FileName(), part
	} else {
		if r.ContentLength > limit {
			return fileTooLarge(limit)
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if cd := r.Header.Get("Content-Disposition"); cd != "" {
			if _, params, err := mime.ParseMediaType(cd); err == nil {
				name = params["filename"]
			}
		}
		file = r.Body
	}
	if name == "" {
		name = r.URL.Query().Get("name")
	}

	br := bufio.NewReaderSize(file, sniffLen)
	head, err := br.Peek(sniffLen)
	switch {
	case err == nil, err == io.EOF, errors.Is(err, bufio.ErrBufferFull):
	case isMaxBytes(err):
		return fileTooLarge(limit)
	default:
		return desk.Errorf(desk.EINVALID, "body_unreadable", "the uploaded file could not be read")
	}
	ctype := http.DetectContentType(head)

	a, err := s.Service.AddAttachment(r.Context(), u, id, name, ctype, br)
	if isMaxBytes(err) || desk.ErrorKind(err) == desk.ETOOLARGE {
		return fileTooLarge(limit)
	} else if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/attachments/"+a.ID)
	return s.writeJSON(w, r, http.StatusCreated, a)
}

// filePart returns the part named "file" of a multipart request, skipping
// any other parts.
func filePart(r *http.Request) (*multipart.Part, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, desk.Errorf(desk.EINVALID, "malformed_multipart", "the multipart body has no valid boundary")
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil, desk.FieldError(desk.EINVALID, "file_required", "file", `the multipart body has no part named "file"`)
		}
		if err != nil {
			if isMaxBytes(err) {
				return nil, err
			}
			return nil, desk.Errorf(desk.EINVALID, "malformed_multipart", "the multipart body is malformed")
		}
		if p.FormName() == "file" {
			return p, nil
		}
		if _, err := io.Copy(io.Discard, p); err != nil {
			p.Close()
			if isMaxBytes(err) {
				return nil, err
			}
			return nil, desk.Errorf(desk.EINVALID, "malformed_multipart", "the multipart body is malformed")
		}
		p.Close()
	}
}

func isMaxBytes(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// listAttachments lists a case's attachments.
func (s *Server) listAttachments(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	as, err := s.Service.Attachments(r.Context(), u, id)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, items(as))
}

// validAttachmentID reports whether id can be an attachment id at all;
// anything else is answered as not found without asking the store.
func validAttachmentID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	return strings.Trim(id, "0123456789abcdefABCDEF-") == ""
}

// downloadAttachment sends a file as a download. It is never rendered by
// the browser: the disposition is attachment, the type is the one sniffed
// at upload, sniffing is off and the CSP sandboxes anything that still
// opens.
func (s *Server) downloadAttachment(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	id := r.PathValue("id")
	if !validAttachmentID(id) {
		return desk.NotFound("attachment")
	}
	a, f, err := s.Service.OpenAttachment(r.Context(), u, id)
	if err != nil {
		return err
	}
	defer f.Close()
	ctype := a.ContentType
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	disp := mime.FormatMediaType("attachment", map[string]string{"filename": a.Name})
	if disp == "" {
		disp = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", disp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; sandbox")
	http.ServeContent(w, r, "", a.CreatedAt, f)
	return nil
}
