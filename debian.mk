# debian.mk — automake fragment included by the top-level Makefile.am.
#
# make deb: builds the Debian packages (debian/) from a clean copy of the
# release tree (the files `make dist` would pack, copied by `make distdir`),
# never in the source tree, then checks them with lintian. The .deb,
# .changes and .buildinfo files end up in deb-build/. DEB_BUILD_OPTIONS
# passes through (DEB_BUILD_OPTIONS=nocheck skips the test suite).
#
# make deb-autopkgtest (after make deb, as root, on a machine you may install
# packages on): runs debian/tests/ with autopkgtest's null runner, which
# installs the packages from deb-build/ on this machine; they are removed
# again afterwards.
#
# make deb-symbols (after make deb): rewrites debian/libpolyphony0.symbols
# from the library just packaged; new pp_* functions get this release's
# version, vanished ones are marked #MISSING# (an ABI break: see
# DESIGN-NOTES.md, "libpolyphony's ABI"). Review the diff before committing.
EXTRA_DIST += debian debian.mk

DEB_BUILD_DIR = deb-build
DEB_JOBS = 2
DEB_LINTIAN_FAIL_ON = error,warning

deb:
	@v=`dpkg-parsechangelog -l '$(srcdir)/debian/changelog' -S Version` || exit 1; \
	if [ "$$v" != '$(VERSION)' ]; then \
	    echo "debian/changelog is at $$v but configure.ac at $(VERSION): add a changelog entry (dch -v $(VERSION))" >&2; \
	    exit 1; \
	fi
	rm -rf '$(DEB_BUILD_DIR)'
	$(MKDIR_P) '$(DEB_BUILD_DIR)'
	$(MAKE) $(AM_MAKEFLAGS) distdir distdir='$(DEB_BUILD_DIR)/$(PACKAGE)-$(VERSION)'
	cd '$(DEB_BUILD_DIR)/$(PACKAGE)-$(VERSION)' && dpkg-buildpackage -us -uc -b -j$(DEB_JOBS)
	rm -rf '$(DEB_BUILD_DIR)/$(PACKAGE)-$(VERSION)'
	lintian --fail-on $(DEB_LINTIAN_FAIL_ON) '$(DEB_BUILD_DIR)'/$(PACKAGE)_$(VERSION)_*.changes
	@echo "Debian packages in $(DEB_BUILD_DIR)/:"; ls '$(DEB_BUILD_DIR)'/*.deb

DEB_PACKAGES = libpolyphony0 libpolyphony-dev polyphony polyphony-data
deb-autopkgtest:
	rm -rf '$(DEB_BUILD_DIR)/$(PACKAGE)-$(VERSION)'
	$(MAKE) $(AM_MAKEFLAGS) distdir distdir='$(DEB_BUILD_DIR)/$(PACKAGE)-$(VERSION)'
	rc=0; autopkgtest '$(DEB_BUILD_DIR)/$(PACKAGE)-$(VERSION)/' \
	    `for p in $(DEB_PACKAGES); do ls '$(DEB_BUILD_DIR)'/$${p}_$(VERSION)_*.deb; done` -- null || rc=$$?; \
	rm -rf '$(DEB_BUILD_DIR)/$(PACKAGE)-$(VERSION)'; \
	dpkg -r $(DEB_PACKAGES) >/dev/null; \
	exit $$rc

deb-symbols:
	rm -rf '$(DEB_BUILD_DIR)/symbols'
	dpkg-deb -x '$(DEB_BUILD_DIR)'/libpolyphony0_$(VERSION)_*.deb '$(DEB_BUILD_DIR)/symbols'
	cd '$(srcdir)' && dpkg-gensymbols -c0 -q -plibpolyphony0 -v$(VERSION) \
	    -P'$(abs_builddir)/$(DEB_BUILD_DIR)/symbols' \
	    -Idebian/libpolyphony0.symbols -Odebian/libpolyphony0.symbols
	rm -rf '$(DEB_BUILD_DIR)/symbols'
.PHONY: deb deb-autopkgtest deb-symbols
