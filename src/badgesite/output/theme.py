"""Jinja2 rendering of the pages, with the theme's own texts in the page's language.

Autoescape is on and undefined names are errors; Markdown goes through markup.py's
sanitiser. A page not yet rendered is a `Deferred`: the build renders it only when
what it is made from changed.

A site overrides any template, asset or text of the theme by putting a file of
the same name in its own `themes/<theme>/` folder (see `theme_dirs`).
"""
from __future__ import annotations

import datetime as dt
import types
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import jinja2.ext
import markupsafe
import yaml
from markupsafe import Markup

from ..countries import COUNTRIES
from ..errors import BadgesiteError, Diagnostic
from ..source.files import packaged_themes
from ..urls import Urls, linker
from .markup import DEFAULT_ACCENT, LANGUAGE_NAMES, MarkdownMemo, format_date, json_script, readable_accent

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when there, the same result


def theme_texts(dirs: list[Path], language: str) -> dict:
    """The theme's texts in `language` (its i18n/<language>.yaml), those of the folders
    first in `dirs` (theme_dirs: the site's own) overriding the others."""
    merged: dict = {}
    for folder in reversed(dirs):
        file = folder / "i18n" / f"{language}.yaml"
        if file.is_file():
            merged.update(yaml.load(file.read_text("utf-8"), Loader=_YAML_LOADER) or {})
    return merged


def text_languages(dirs: list[Path]) -> set[str]:
    """The languages the theme has texts in (its i18n/<language>.yaml files)."""
    return {file.stem for folder in dirs for file in (folder / "i18n").glob("*.yaml")}


def text_helpers(texts: dict) -> dict:
    """What templates call to show `texts` (one language's, English for what it lacks):
    t(key, **values), date(day), number(value) and js_texts(prefix)."""
    months, date_format = texts.get("months"), texts.get("date_format", "{day} {month} {year}")
    scripts: dict[str, dict] = {}

    def t(key: str, **values) -> str:
        text = texts.get(key, key)
        if not isinstance(text, str):
            return text
        return text.format(**values) if values else text

    written: dict = {}  # day -> text: awards share their days

    def date(day: dt.date | None) -> str:
        text = written.get(day)
        if text is None:
            text = format_date(day, months, date_format)
            if len(written) < 10_000:
                written[day] = text
        return text

    def number(value) -> str:
        text = str(int(value)) if float(value).is_integer() else f"{value:g}"
        return text.replace(".", texts.get("decimal_separator", "."))

    def js_texts(prefix: str) -> dict:
        """The texts a script needs (keys starting with `prefix`), and how to write a date."""
        if prefix not in scripts:
            found = {k[len(prefix):]: v for k, v in sorted(texts.items()) if k.startswith(prefix)}
            found.update(months=months, date_format=date_format)
            scripts[prefix] = found
        return dict(scripts[prefix])

    return {"t": t, "date": date, "number": number, "js_texts": js_texts}


def theme_dirs(site_root: Path, theme: str) -> list[Path]:
    """The theme folders to look in, the site's own first (it overrides the packaged default)."""
    dirs = [site_root / "themes" / theme]
    if theme != "default":
        dirs.append(site_root / "themes" / "default")
    dirs.append(packaged_themes() / "default")
    return [d for d in dirs if d.is_dir()]


CACHE_FRAGMENTS = True
TEMPLATE_CODE = "cache1"  # change with FragmentCache.parse's call, so that old compiled templates are not used


class FragmentCache(jinja2.ext.Extension):
    """`{% cache key, ... %}…{% endcache %}`: the part of a page between the tags is made
    once per build for each key, and copied into every other page with the same key, the
    same language and the same way to the site root (so its links to other folders stay
    right): Hugo's partialCached. Everything the part shows must follow from the key and
    the language: an award page caches what all awards of a badge share, keyed by the badge.

    CACHE_FRAGMENTS = False makes every part afresh (the tests compare both ways)."""

    tags = {"cache"}
    LIMIT = 10_000  # parts remembered at most: a key per award would only cost memory

    def __init__(self, environment: jinja2.Environment):
        super().__init__(environment)
        environment.extend(fragment_memo={} if CACHE_FRAGMENTS else None)

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        values = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            values.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        where = jinja2.nodes.Const(f"{parser.name}:{lineno}")
        args = [where, jinja2.nodes.Tuple(values, "load"), jinja2.nodes.Name("lang", "load"),
                jinja2.nodes.Name("link", "load")]
        return jinja2.nodes.CallBlock(self.call_method("_fragment", args), [], [], body).set_lineno(lineno)

    def _fragment(self, where: str, values: tuple, lang: str, link, caller) -> Markup:
        memo = self.environment.fragment_memo
        if memo is None:
            return caller()
        key = (where, lang, link("index.html"), values)
        try:
            return memo[key]
        except KeyError:
            pass
        except TypeError:
            raise jinja2.TemplateRuntimeError(f"{where}: a cache key is made of texts and numbers, not {values!r}")
        made = memo[key] = caller()
        if len(memo) > self.LIMIT:
            memo.pop(key)
        return made


_SIMPLE: set = set()  # Python functions seen before without Jinja's marks (t, link, date…)


# How a compiled template is named in a bytecode cache (jinja2.FileSystemBytecodeCache's
# pattern): after what the compiled code calls into, the `cache` tag by its module path, so
# that a new tag, or the tag moved to another module, never loads old code.
COMPILED_NAME = f"__jinja2_%s.{TEMPLATE_CODE}.{FragmentCache.__module__}.cache"


def _simple(function) -> bool:
    """Whether Jinja would call this function as it is (not marked with pass_context and
    the like): asked once per function."""
    if hasattr(function, "jinja_pass_arg"):
        return False
    if len(_SIMPLE) < 10_000:
        _SIMPLE.add(function)
    return True


class _Context(jinja2.runtime.Context):
    """Jinja's context, with a shorter way to call a plain function (`t`, `link`, `date`:
    about sixty calls on an award page). Anything Jinja treats specially (marked with
    pass_context and the like, macros, callable objects) goes Jinja's own way."""

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 (Jinja's names: a template may pass self=)
        kind = type(__obj)
        if kind is types.FunctionType:
            plain = __obj in _SIMPLE or _simple(__obj)
        elif kind is types.MethodType and type(__obj.__func__) is types.FunctionType:
            plain = __obj.__func__ in _SIMPLE or _simple(__obj.__func__)  # Jinja looks for marks there
        else:  # a built-in cannot carry a mark; anything else goes Jinja's way
            plain = kind is types.BuiltinFunctionType or kind is types.BuiltinMethodType
        if plain:
            if kwargs:
                kwargs.pop("_block_vars", None)
                kwargs.pop("_loop_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined("value was undefined because a callable raised a"
                                                    " StopIteration exception")
        return jinja2.runtime.Context.call(__self, __obj, *args, **kwargs)


_new_markup = str.__new__
_escape_text = getattr(markupsafe, "_escape_inner", None)  # markupsafe 3 (2.x: escape itself is C)


def _escape(value) -> Markup:
    """markupsafe.escape, quicker for what pages show most (a text, or a part already
    made): a page has some fifty of them."""
    kind = type(value)
    if kind is str and _escape_text is not None:
        return _new_markup(Markup, _escape_text(value))
    if kind is Markup:
        return value
    return markupsafe.escape(value)


class _Template(jinja2.Template):
    """A template whose output expressions escape with _escape (the compiled code looks
    `escape` up in its module's namespace each time)."""

    @classmethod
    def _from_namespace(cls, environment, namespace, globals):
        namespace["escape"] = _escape
        return super()._from_namespace(environment, namespace, globals)


def template_problem(exc: jinja2.TemplateError, site_root: Path, page: str) -> Diagnostic:
    """A template that does not render, at the template's file and line (the innermost
    template frame of the traceback Jinja rewrote), named relative to the site."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None) or 0
    if filename is None:
        tb = exc.__traceback__
        while tb is not None:
            name = tb.tb_frame.f_code.co_filename
            if name.endswith((".html", ".xml", ".txt", ".js", ".svg")) and Path(name).is_file():
                filename, line = name, tb.tb_lineno
            tb = tb.tb_next
    where = Path(filename) if filename else None
    if where is not None and where.is_relative_to(site_root):
        where = where.relative_to(site_root)
    message = f"the theme cannot make {page}: {exc.message or type(exc).__name__}"
    return Diagnostic(where.as_posix() if where else page, line, 0, message)


class Renderer:
    def __init__(self, site_root: Path, theme: str, urls: Urls, language: str, globals_: dict,
                 markdown: MarkdownMemo | None = None, bytecode_cache: jinja2.BytecodeCache | None = None):
        """`bytecode_cache`: where compiled templates are kept between builds (by the caller:
        nothing here remembers; name them COMPILED_NAME)."""
        self.dirs = theme_dirs(site_root, theme)
        self.site_root = Path(site_root)
        self.urls = urls
        self.language = language
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d / "templates") for d in self.dirs]),
            autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            keep_trailing_newline=True, bytecode_cache=bytecode_cache, extensions=[FragmentCache],
            auto_reload=False)  # a Renderer lives for one build: its templates do not change
        self.env.context_class = _Context
        self.env.template_class = _Template
        self.markdown = markdown if markdown is not None else MarkdownMemo()
        self.env.filters["markdown"] = self.markdown.markdown
        self.env.filters["json_script"] = json_script
        self.env.globals["language_name"] = lambda code: LANGUAGE_NAMES.get(code.split("-")[0], code.upper())
        self.env.globals["country_name"] = lambda code: COUNTRIES[code][1] if code in COUNTRIES else code
        self.env.globals.update(globals_)
        config = globals_.get("config")
        issuer = getattr(config, "issuer", None)
        self.env.globals.setdefault("accent", readable_accent(getattr(issuer, "color", None)))
        self.env.globals.setdefault("brand", (getattr(issuer, "color", None) or DEFAULT_ACCENT).lower())
        self.texts = {lang: theme_texts(self.dirs, lang) for lang in dict.fromkeys([language, "en"])}
        self._helpers: dict[str, dict] = {}  # language -> the template functions that depend on it
        self._templates: dict[str, tuple] = {}  # name -> (template, its globals as one dict)

    def set_global(self, name: str, value) -> None:
        """A value every template sees (from the next render on)."""
        self.env.globals[name] = value
        self._templates.clear()

    def _template(self, name: str) -> tuple:
        """A template and its globals in one plain dict: Jinja keeps them as a ChainMap over
        the environment's, and copying that on every render took a tenth of an award page."""
        found = self._templates.get(name)
        if found is None:
            template = self.env.get_template(name)
            found = self._templates[name] = (template, dict(template.globals))
        return found

    def _language_helpers(self, language: str) -> dict:
        """t, date, number and js_texts in `language`: made once per language."""
        helpers = self._helpers.get(language)
        if helpers is None:
            if language not in self.texts:
                self.texts[language] = theme_texts(self.dirs, language)
            helpers = self._helpers[language] = text_helpers({**self.texts.get("en", {}), **self.texts[language]})
        return helpers

    def render(self, template: str, path: str, language: str, **context) -> bytes:
        urls = self.urls
        if path == urls.not_found:
            # GitHub Pages serves 404.html at any missing address: links start from the site's path
            base_path = urlsplit(urls.base_url).path

            def link(target: str) -> str:
                return base_path + (target[: -len("index.html")] if target.endswith("index.html") else target)
        else:
            link = linker(path)

        template, globals_ = self._template(template)
        values = {**globals_, "page_path": path, "lang": language, "link": link, "url": urls.url,
                  "page_url": urls.page_url, **self._language_helpers(language), **context}
        # what Template.render does, with the globals already merged
        state = jinja2.runtime.new_context(self.env, template.name, template.blocks, values, shared=True,
                                           globals=globals_)
        try:
            try:
                html = self.env.concat(template.root_render_func(state))
            except Exception:
                self.env.handle_exception()  # re-raised with the template's file and line
        except jinja2.TemplateError as exc:
            raise BadgesiteError([template_problem(exc, self.site_root, path)]) from None
        return html.encode("utf-8")

    def deferred(self, template: str, path: str, language: str, **context) -> "Deferred":
        """The page, to be rendered only if what it is made from changed since the last build."""
        return Deferred(self, template, path, language, context)

    @lru_cache(maxsize=None)
    def static_files(self) -> dict[str, Path]:
        """Theme assets by their name under static/, the site's own overriding the default."""
        found: dict[str, Path] = {}
        for folder in reversed(self.dirs):
            static = folder / "static"
            if static.is_dir():
                for file in sorted(static.rglob("*")):
                    if file.is_file() and not file.is_symlink():
                        found[file.relative_to(static).as_posix()] = file
        return dict(sorted(found.items()))


class Deferred:
    """A page not yet rendered: the build renders it only if what it is made from
    changed since the last build (incremental/fingerprints.py, page_fingerprint)."""

    def __init__(self, renderer: Renderer, template: str, path: str, language: str, context: dict):
        self.renderer, self.template, self.path, self.language, self.context = renderer, template, path, language, context

    def make(self) -> bytes:
        return self.renderer.render(self.template, self.path, self.language, **self.context)
