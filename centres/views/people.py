"""People and roles: the list of the accounts a manager sees, inviting a person, a person's page
(roles granted and revoked, account deactivated, invitation sent again, the log), and the page
where an invited person chooses their password."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..access import get_person, managed_people, people_rights
from ..forms.people import ChoosePasswordForm, InvitationForm, RoleForm
from ..pagination import page_of
from ..services import people as people_services
from ..services.people import PeopleError

PEOPLE_PER_PAGE = 25


@require_http_methods(["GET"])
def person_list(request):
    rights = people_rights(request.user)
    query = request.GET.get("q", "")[:100].strip()
    people = managed_people(rights).prefetch_related(
        "role_assignments__centre",
        "role_assignments__network",
        "role_assignments__certification_body",
    )
    if query:
        people = people.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    page = page_of(request, people.order_by("full_name", "id"), PEOPLE_PER_PAGE)
    return render(request, "centres/people/person_list.html", {"page": page, "query": query})


@require_http_methods(["GET", "POST"])
def person_invite(request):
    rights = people_rights(request.user)
    form = InvitationForm(request.POST or None, rights=rights)
    if request.method == "POST" and form.is_valid():
        try:
            person = people_services.person_invite(
                actor=request.user,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                grant=form.grant(),
            )
        except PeopleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(name)s is invited: the link to choose a password has been e-mailed.")
                % {"name": person.full_name},
            )
            return redirect("organisation:person_detail", pk=person.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "centres/people/person_invite.html", {"form": form}, status=status)


def _person_page(request, rights, person, *, role_form=None, status=200):
    assignments = person.role_assignments.select_related("centre", "network", "certification_body")
    return render(
        request,
        "centres/people/person_detail.html",
        {
            "person": person,
            "rights": rights,
            "assignments": [(a, rights.covers(a)) for a in assignments],
            "role_form": role_form or RoleForm(rights=rights, person=person),
            "events": person.person_events.select_related("actor")[:100],
            "invitation_pending": not person.has_usable_password(),
        },
        status=status,
    )


@require_http_methods(["GET"])
def person_detail(request, pk: int):
    rights = people_rights(request.user)
    return _person_page(request, rights, get_person(rights, pk))


@require_POST
def person_role_add(request, pk: int):
    rights = people_rights(request.user)
    person = get_person(rights, pk)
    form = RoleForm(request.POST, rights=rights, person=person)
    if form.is_valid():
        try:
            people_services.role_grant(actor=request.user, person=person, grant=form.grant())
        except PeopleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The role is granted."))
            return redirect("organisation:person_detail", pk=person.pk)
    return _person_page(request, rights, person, role_form=form, status=400)


@require_POST
def person_role_revoke(request, pk: int, role_pk: int):
    rights = people_rights(request.user)
    person = get_person(rights, pk)
    assignment = get_object_or_404(person.role_assignments, pk=role_pk)
    if not rights.covers(assignment):
        raise Http404
    try:
        people_services.role_revoke(actor=request.user, assignment=assignment)
    except PeopleError as error:
        messages.error(request, str(error))
        return redirect("organisation:person_detail", pk=person.pk)
    messages.success(request, _("The role « %(role)s » is revoked.") % {"role": assignment})
    if managed_people(rights).filter(pk=person.pk).exists():
        return redirect("organisation:person_detail", pk=person.pk)
    return redirect("organisation:people")


@require_POST
def person_activation(request, pk: int):
    rights = people_rights(request.user)
    if not rights.is_ditp:
        raise Http404
    person = get_person(rights, pk)
    active = request.POST.get("active") == "1"
    try:
        people_services.person_set_active(actor=request.user, person=person, active=active)
    except PeopleError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The account is reactivated.") if active else _("The account is deactivated."),
        )
    return redirect("organisation:person_detail", pk=person.pk)


@require_POST
def person_invite_again(request, pk: int):
    rights = people_rights(request.user)
    person = get_person(rights, pk)
    try:
        people_services.person_invite_again(actor=request.user, person=person)
    except PeopleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("A new invitation link has been e-mailed."))
    return redirect("organisation:person_detail", pk=person.pk)


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    """The invited person chooses their password (the link is single use and expires)."""
    invitation = people_services.invitation_of(token)
    if invitation is None:
        return render(request, "centres/people/invitation_invalid.html", status=404)
    form = ChoosePasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            people_services.invitation_accept(
                token=token, password=form.cleaned_data["new_password1"]
            )
        except PeopleError:
            return render(request, "centres/people/invitation_invalid.html", status=409)
        messages.success(request, _("Your password is saved: sign in with your e-mail address."))
        return redirect("accounts:login")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "centres/people/invitation_accept.html",
        {"form": form, "person": invitation.user},
        status=status,
    )
