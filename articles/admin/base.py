"""What every admin page of ours shares: writes go through the newsroom actions, and a
refusal comes back to the editor, never as a server error.

On a change form, a refused save (a trust gate, an edit conflict, a bad request) is
rolled back, and the form is shown again with the editor's input and the reasons at the
top of the page. A refusal of the actor's role is a 403. On a list, each refusal is a
message naming the object and the reason; so is a refusal of a side panel's button on the
article page (notes, review: panel_answer).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect

from articles.actions import NotAllowed, Refused
from articles.actions import filing as filing_actions

_REFUSAL = "_standfirst_refusal"


def panel_answer(model_admin, request, back, act):
    """Run a panel button's action, act(), which returns what was done; back to `back`
    with it, or with the refusal (nothing was changed). A refused role is a 403."""
    try:
        done = act()
    except NotAllowed as refused:
        raise PermissionDenied(str(refused)) from refused
    except Refused as refused:
        model_admin.message_user(
            request, f"Nothing was changed. {' '.join(refused.messages)}", messages.ERROR
        )
    else:
        model_admin.message_user(request, done, messages.SUCCESS)
    return HttpResponseRedirect(back)


class RefusalForm:
    """Mixed into a ModelAdmin's form on the second pass: the refusal becomes its errors."""

    refusal = None

    def clean(self):
        cleaned = super().clean()
        if self.refusal is not None and self.refusal_messages():
            raise ValidationError(self.refusal_messages(), code="refused")
        return cleaned

    def refusal_messages(self):
        return self.refusal.messages


def refusal_of(request):
    return getattr(request, _REFUSAL, None)


class ActionAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletions are newsroom actions (filing, by default)."""

    def act_save(self, request, obj, form, change):
        filing_actions.save(request.user, obj)

    def act_delete(self, request, obj):
        filing_actions.delete(request.user, obj)

    def save_model(self, request, obj, form, change):
        self.act_save(request, obj, form, change)

    def delete_model(self, request, obj):
        self.act_delete(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.act_delete(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = refusal_of(request)
        if refusal is None:
            return form
        bases = (form,) if issubclass(form, RefusalForm) else (RefusalForm, form)
        return type(form.__name__, bases, {"refusal": refusal})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except NotAllowed as refused:
            raise PermissionDenied(str(refused)) from refused
        except Refused as refused:
            # Everything was rolled back; validating again shows why, with the input kept.
            setattr(request, _REFUSAL, refused)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except NotAllowed as refused:
            raise PermissionDenied(str(refused)) from refused
        except Refused as refused:
            self.message_user(request, " ".join(refused.messages), messages.ERROR)
            return HttpResponseRedirect(request.path)

    def each_refused(self, request, objects, act, prefix="Not done"):
        """Run `act` on each object; report each refusal; return how many were done."""
        done = 0
        for obj in objects:
            try:
                act(obj)
            except Refused as refused:
                self.message_user(
                    request, f"{prefix}: {obj}. {' '.join(refused.messages)}", messages.ERROR
                )
            else:
                done += 1
        return done


class OneChoiceFilter(admin.SimpleListFilter):
    """A list filter with one choice, `choice` = (value, label), showing `rows(queryset)`:
    the filters the editor's desk links to (articles.desk)."""

    choice = None

    def lookups(self, request, model_admin):
        return [self.choice]

    def queryset(self, request, queryset):
        return self.rows(queryset) if self.value() == self.choice[0] else queryset

    def rows(self, queryset):
        raise NotImplementedError


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose fields are named for assistive technology: the stock table
    gives a field only its column header, which is not its label (WCAG 1.3.1, 4.1.2)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for name, field in formset.form.base_fields.items():
            field.widget.attrs.setdefault("aria-label", str(field.label or name).capitalize())
        return formset


class RecordInline(LabelledTabularInline):
    """Records the code writes (the audit log, source alerts, feed items, delivery tries),
    listed on their parent and never added, changed or deleted there."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
