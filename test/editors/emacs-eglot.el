;;; emacs-eglot.el --- loaded by test/editors/emacs.test.ts  -*- lexical-binding: t -*-
;; `emacs --batch -Q -l emacs-eglot.el': loads the README's eglot snippet ($KCG_EMACS_SNIPPET),
;; visits $KCG_EMACS_FILE in yaml-mode, starts eglot with the contact the snippet registered
;; (eglot--guess-contact reads eglot-server-programs), waits for the server's diagnostics and
;; writes them as JSON to $KCG_EMACS_OUT.
(require 'package)
;; Debian installs elpa-eglot / elpa-yaml-mode here; -Q skips the site start-up that adds it.
(add-to-list (quote package-directory-list) "/usr/share/emacs/site-lisp/elpa")
(package-initialize)
(require 'json)
(require 'cl-lib)

(defun kcg-out (obj)
  (with-temp-file (getenv "KCG_EMACS_OUT") (insert (json-encode obj))))

(condition-case err
    (progn
      (load-file (getenv "KCG_EMACS_SNIPPET"))
      (require 'yaml-mode)
      (require 'eglot)
      (find-file (getenv "KCG_EMACS_FILE"))
      (let* ((contact (eglot--guess-contact))
             (timeout (string-to-number (or (getenv "KCG_EMACS_TIMEOUT") "20")))
             (deadline (+ (float-time) timeout))
             (wanted (split-string (or (getenv "KCG_EMACS_WANT_CODES") "") "," t))
             (buf (current-buffer))
             diags)
        (apply #'eglot contact)
        (cl-labels ((collect ()
                      (with-current-buffer buf
                        (ignore-errors (flymake-start))
                        (or (flymake-diagnostics) eglot--diagnostics)))
                    (codes (ds)
                      (mapcar (lambda (d) (format "%s" (plist-get (cdr (assq 'eglot-lsp-diag (flymake-diagnostic-data d))) :code))) ds)))
          (while (and (< (float-time) deadline)
                      (not (and wanted (cl-every (lambda (c) (member c (codes diags))) wanted))))
            (accept-process-output nil 0.1)
            (setq diags (collect)))
          (with-current-buffer buf
            (kcg-out
             `((mode . ,(symbol-name major-mode))
               (contact . ,(format "%S" (nth 3 contact)))
               (timed_out . ,(if (cl-every (lambda (c) (member c (codes diags))) wanted) :json-false t))
               (diagnostics
                . ,(vconcat
                    (mapcar
                     (lambda (d)
                       (let ((beg (flymake-diagnostic-beg d)) (end (flymake-diagnostic-end d)))
                         `((text . ,(flymake-diagnostic-text d))
                           (type . ,(symbol-name (flymake-diagnostic-type d)))
                           (code . ,(format "%s" (plist-get (cdr (assq 'eglot-lsp-diag (flymake-diagnostic-data d))) :code)))
                           (line . ,(line-number-at-pos beg))
                           (column . ,(save-excursion (goto-char beg) (current-column)))
                           (end_line . ,(line-number-at-pos end))
                           (end_column . ,(save-excursion (goto-char end) (current-column))))))
                     diags))))))
          (ignore-errors (eglot-shutdown (eglot-current-server))))))
  (error (kcg-out `((error . ,(format "%S" err))))))
(kill-emacs 0)
