/* The notices' rich-text editor: Trix (static/vendor/trix) in place of each <textarea data-rich-text>.
   Without JavaScript (or without Trix) the textarea stays and takes plain text: blank lines start
   paragraphs (notices/richtext.py). With it, the editor writes HTML into a hidden input of the same
   name; what it offers matches what the server keeps (notices/services.py SAFE_TAGS): headings,
   bold, italic, links, quotes, lists. No file attachments (attachments have their own field). */
(function () {
  "use strict";
  if (typeof window.Trix === "undefined") return;

  var LANG = {
    attachFiles: "添加附件", bold: "粗体", bullets: "项目符号列表", byte: "字节", bytes: "字节",
    captionPlaceholder: "添加说明…", code: "代码", heading1: "标题", indent: "增加缩进",
    italic: "斜体", link: "链接", numbers: "编号列表", outdent: "减少缩进", quote: "引用",
    redo: "重做", remove: "删除", strike: "删除线", undo: "撤销", unlink: "取消链接",
    url: "网址", urlPlaceholder: "输入网址，例如 https://mzj.sh.gov.cn/",
  };
  Object.keys(LANG).forEach(function (key) {
    window.Trix.config.lang[key] = LANG[key];
  });

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  // What is in the textarea when the page opens: HTML saved before, or plain text sent back with errors.
  function startingHtml(value) {
    if (/<\s*[a-zA-Z][^>]*>/.test(value)) return value;
    return value
      .split(/\n[ \t\u3000]*\n+/)
      .filter(function (p) { return p.trim(); })
      .map(function (p) { return "<div>" + escapeHtml(p).replace(/\n/g, "<br>") + "</div>"; })
      .join("");
  }

  function upgrade(textarea) {
    var id = textarea.id;
    var label = document.querySelector("label[for='" + id + "']");
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = textarea.name;
    input.id = id + "_html";
    input.value = startingHtml(textarea.value);

    var toolbar = document.createElement("trix-toolbar");
    toolbar.id = id + "_toolbar";
    toolbar.setAttribute("aria-label", (label ? label.textContent.replace("*", "").trim() : "正文") + "的格式按钮");

    var editor = document.createElement("trix-editor");
    editor.id = id;
    editor.setAttribute("input", input.id);
    editor.setAttribute("toolbar", toolbar.id);
    editor.className = "trix-content form-control" + (textarea.classList.contains("is-invalid") ? " is-invalid" : "");
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (textarea.hasAttribute(name)) editor.setAttribute(name, textarea.getAttribute(name));
    });
    if (label) {
      label.id = label.id || id + "_label";
      editor.setAttribute("aria-labelledby", label.id);
      label.addEventListener("click", function () { editor.focus(); });
    }

    textarea.removeAttribute("name");
    textarea.id = id + "_plain";
    textarea.hidden = true;
    textarea.parentNode.insertBefore(input, textarea);
    textarea.parentNode.insertBefore(toolbar, textarea);
    textarea.parentNode.insertBefore(editor, textarea);
    if (label) label.setAttribute("for", id);

    // Files go through the form's own 添加附件 field, checked on the server.
    editor.addEventListener("trix-file-accept", function (event) { event.preventDefault(); });
  }

  function start() {
    document.querySelectorAll("textarea[data-rich-text]").forEach(upgrade);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
