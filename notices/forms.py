from django import forms

from portal.antispam import HumanCheckForm
from portal.forms import text_area
from portal.models import District

from .models import Article, Download, Link, Message
from .richtext import body_html
from .services import dangerous_markup, has_markup

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# What an attachment may be (portal/uploads.py checks it).
FILE_TYPES = "PDF、Word（.docx）、Excel（.xlsx）、JPG 或 PNG，不超过 10 MB"


class ArticleForm(forms.ModelForm):
    upload = forms.FileField(label="添加附件", required=False, help_text=f"{FILE_TYPES}；仅登录用户可下载。")

    class Meta:
        model = Article
        fields = ["title", "body", "publish_date"]
        # data-rich-text: static/js/editor.js puts the Trix editor in its place; without JavaScript the
        # textarea takes plain text (blank lines start paragraphs) or HTML.
        widgets = {"body": forms.Textarea(attrs={"rows": 12, "data-rich-text": "1"}), "publish_date": DATE}
        help_texts = {
            "body": "直接输入或粘贴文字即可：空一行另起一段，换行会保留。可用编辑器的按钮设置标题、粗体、"
            "列表和链接（不用编辑器时也可填写 HTML 的标题、段落、列表、链接和表格）；脚本不被接受。",
            "publish_date": "留空则在发布时取当天。",
        }

    def clean_body(self):
        body = self.cleaned_data["body"]
        if dangerous_markup(body):
            raise forms.ValidationError(
                "正文含有不允许的脚本、事件属性或 javascript: 链接（如 <script>、onerror），请删除后再保存。"
            )
        if not body_html(body).strip():
            raise forms.ValidationError("请填写正文。")
        return body


class DownloadForm(forms.ModelForm):
    upload = forms.FileField(label="文件", required=False, help_text=f"{FILE_TYPES}。")

    class Meta:
        model = Download
        fields = ["title", "category", "description", "publish_date"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "publish_date": DATE}

    def clean(self):
        data = super().clean()
        if not self.instance.pk and not data.get("upload"):
            self.add_error("upload", "请选择要上传的文件。")
        return data


class LinkForm(forms.ModelForm):
    url = forms.URLField(label="网址", assume_scheme="https", help_text="以 http:// 或 https:// 开头。")

    class Meta:
        model = Link
        fields = ["title", "url", "sort_order"]
        help_texts = {"url": "以 http:// 或 https:// 开头。", "sort_order": "数字小的排在前面。"}


class MessageForm(HumanCheckForm, forms.ModelForm):
    """Spam protection without third parties: a honeypot field, a small sum, and a rate limit (view)."""

    challenge_salt = "message-challenge"

    class Meta:
        model = Message
        fields = ["district", "name", "contact", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "name": "选填，公开显示。",
            "contact": "选填：电话或邮箱，仅管理员可见，不会公开。",
            "district": "留言与哪个区有关：由该区民政局处理；选“全市/市级”由市民政局处理。",
            "body": "不超过2000字，请勿填写身份证号等个人隐私信息。",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["district"]
        field.queryset = District.objects.order_by("code")
        field.empty_label = "全市/市级"
        field.label = "所属区"

    def clean_body(self):
        body = self.cleaned_data["body"]
        if dangerous_markup(body) or has_markup(body):
            raise forms.ValidationError("留言请使用纯文本，不能包含 HTML 标签或脚本（如 <script>）。")
        return body

    def clean_subject(self):
        subject = self.cleaned_data["subject"]
        if has_markup(subject):
            raise forms.ValidationError("主题请使用纯文本，不能包含 HTML 标签。")
        return subject


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(
        label="处理", choices=[("approve", "公开并回复"), ("reject", "不予公开")], widget=forms.RadioSelect
    )
    reply = text_area(
        "回复", rows=4, max_length=2000, required=False, help_text="公开时必填，会与留言一起公开显示。"
    )
